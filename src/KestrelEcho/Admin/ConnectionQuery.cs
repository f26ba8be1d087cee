using System.Buffers.Binary;
using System.Net;
using KestrelEcho.Connections;
using Microsoft.Extensions.Primitives;

namespace KestrelEcho.Admin;

/// <summary>
/// <c>GET /connections</c>'s query, after NATS <c>/connz</c>: which live connections (<see cref="Filter"/>), in
/// which order, and which page of them. The defaults list the oldest 1000 first, as the endpoint always did.
/// </summary>
internal sealed record ConnectionQuery(ConnectionFilter Filter, ConnectionSort Sort, bool Descending, int Offset, int Limit)
{
    /// <summary>Enough to see a busy server at a glance without a multi-megabyte answer at 18,000 clients.</summary>
    public const int DefaultLimit = 1000;

    private const string Parameters = "sort, order, offset, limit, " + ConnectionFilter.Parameters;

    private static readonly (string, ConnectionSort)[] s_sorts =
    [
        ("age", ConnectionSort.Age),
        ("idle", ConnectionSort.Idle),
        ("bytesIn", ConnectionSort.BytesIn),
        ("bytesOut", ConnectionSort.BytesOut),
        ("remote", ConnectionSort.Remote),
    ];

    private static readonly (string, bool)[] s_orders = [("asc", false), ("desc", true)];

    /// <summary>Parses the query, reporting every bad parameter by name in <paramref name="errors"/>.</summary>
    public static bool TryParse(
        IEnumerable<KeyValuePair<string, StringValues>> query,
        out ConnectionQuery parsed,
        out Dictionary<string, string[]> errors)
    {
        var reader = new QueryReader(query);
        var sort = reader.Choice("sort", s_sorts) ?? ConnectionSort.Age;

        // Largest first (the oldest, the idlest, the busiest) is what one looks for; addresses read upwards.
        var descending = reader.Choice("order", s_orders) ?? sort != ConnectionSort.Remote;
        parsed = new ConnectionQuery(
            ConnectionFilter.Read(reader),
            sort,
            descending,
            reader.Count("offset") ?? 0,
            reader.Count("limit") ?? DefaultLimit);
        reader.ReportUnknown(Parameters);
        errors = reader.Errors;
        return errors.Count == 0;
    }

    /// <summary>Every session that matches, in order: the page is cut from this, and its count is <c>matched</c>.</summary>
    public List<EchoSession> Apply(IEnumerable<EchoSession> sessions, long now, TimeProvider timeProvider)
    {
        var matching = sessions.Where(session => Filter.Matches(session, now, timeProvider));

        // Keys are read once per session (LINQ's sort computes them up front), so counters moving during the sort
        // cannot make it inconsistent. Ties go oldest first, so pages are stable.
        var ordered = Sort switch
        {
            ConnectionSort.Age => By(matching, static session => -session.StartTimestamp),
            ConnectionSort.Idle => By(matching, static session => -session.LastActivityTimestamp),
            ConnectionSort.BytesIn => By(matching, static session => session.BytesReceived),
            ConnectionSort.BytesOut => By(matching, static session => session.BytesSent),
            ConnectionSort.Remote => By(matching, static session => RemoteKey(session.RemoteEndPoint)),
            _ => throw new InvalidOperationException($"Unknown sort {Sort}."),
        };
        return [.. ordered.ThenBy(static session => session.StartTimestamp).ThenBy(static session => session.Id, StringComparer.Ordinal)];
    }

    private IOrderedEnumerable<EchoSession> By<TKey>(IEnumerable<EchoSession> sessions, Func<EchoSession, TKey> key) =>
        Descending ? sessions.OrderByDescending(key) : sessions.OrderBy(key);

    /// <summary>IPv4 clients sort among themselves in numeric order (10.0.0.9 before 10.0.0.10), as in their IPv6-mapped form.</summary>
    private static (UInt128 Address, int Port) RemoteKey(IPEndPoint? remote)
    {
        if (remote is null)
        {
            return default;
        }

        Span<byte> bytes = stackalloc byte[16];
        remote.Address.MapToIPv6().TryWriteBytes(bytes, out _);
        return (BinaryPrimitives.ReadUInt128BigEndian(bytes), remote.Port);
    }
}
