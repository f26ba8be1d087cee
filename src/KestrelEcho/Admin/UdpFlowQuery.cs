using System.Net;
using Microsoft.Extensions.Primitives;

namespace KestrelEcho.Admin;

/// <summary>
/// <c>GET /connections?transport=udp</c>'s query: the UDP echo's flows rather than connections. A flow has no stage,
/// age or PROXY header, so only <c>ip</c>, <c>offset</c> and <c>limit</c> apply; anything else is a 400 naming it.
/// </summary>
internal sealed record UdpFlowQuery(IPNetwork? Network, int Offset, int Limit)
{
    public const string Transport = "udp";

    private const string Parameters = "transport, ip, offset, limit";

    /// <summary>Whether the query asks for UDP flows (<c>transport=udp</c>, given once).</summary>
    public static bool IsAskedFor(IQueryCollection query) =>
        query.TryGetValue("transport", out var values) && values.Count == 1 && string.Equals(values[0], Transport, StringComparison.OrdinalIgnoreCase);

    public static bool TryParse(
        IEnumerable<KeyValuePair<string, StringValues>> query,
        out UdpFlowQuery parsed,
        out Dictionary<string, string[]> errors)
    {
        var reader = new QueryReader(query);
        _ = reader.Single("transport");
        parsed = new UdpFlowQuery(
            ConnectionFilter.ReadNetwork(reader),
            reader.Count("offset") ?? 0,
            reader.Count("limit") ?? ConnectionQuery.DefaultLimit);
        reader.ReportUnknown(Parameters);
        errors = reader.Errors;
        return errors.Count == 0;
    }
}
