using System.Globalization;
using KestrelEcho.Connections;
using KestrelEcho.History;
using Microsoft.Extensions.Primitives;

namespace KestrelEcho.Admin;

/// <summary>
/// <c>GET /connections/history</c>'s query: which stored connections (<see cref="Query"/>), how many, and whether as
/// CSV. JSON pages default to <see cref="DefaultLimit"/> rows; a CSV export streams every matching row unless limited.
/// </summary>
internal sealed record HistoryRequest(HistoryQuery Query, int? Limit, bool Csv)
{
    public const int DefaultLimit = 1000;

    /// <summary>A JSON page is built in memory: this keeps one well under a few megabytes.</summary>
    public const int MaxPageLimit = 10_000;

    private const string Parameters = "since, until, ip, reason, transport, refused, limit, cursor, format";

    private static readonly (string, CloseReason)[] s_reasons =
        [.. Enum.GetValues<CloseReason>().Select(static reason => (reason.ToName(), reason))];

    private static readonly (string, ConnectionTransport)[] s_transports =
        [.. Enum.GetValues<ConnectionTransport>().Select(static transport => (transport.ToName(), transport))];

    private static readonly (string, bool)[] s_booleans = [("true", true), ("false", false)];
    private static readonly (string, bool)[] s_formats = [("json", false), ("csv", true)];

    /// <summary>Parses the query, reporting every bad parameter by name; <paramref name="acceptsCsv"/> is the Accept header's wish.</summary>
    public static bool TryParse(
        IEnumerable<KeyValuePair<string, StringValues>> query,
        bool acceptsCsv,
        out HistoryRequest parsed,
        out Dictionary<string, string[]> errors)
    {
        var reader = new QueryReader(query);
        var since = ReadTime(reader, "since");
        var until = ReadTime(reader, "until");
        var network = ConnectionFilter.ReadNetwork(reader);
        var reason = reader.Choice("reason", s_reasons);
        var transport = reader.Choice("transport", s_transports);
        var refused = reader.Choice("refused", s_booleans);
        var limit = reader.Count("limit");
        var cursor = ReadCursor(reader);
        var csv = reader.Choice("format", s_formats) ?? acceptsCsv;
        reader.ReportUnknown(Parameters);
        if (!csv && limit > MaxPageLimit)
        {
            reader.Error("limit", $"'limit' must be at most {MaxPageLimit} for a JSON page (follow 'next' for more, or ask for CSV); got {limit}.");
        }

        parsed = new HistoryRequest(
            new HistoryQuery(since, until, network, reason?.ToName(), transport?.ToName(), refused, cursor),
            csv ? limit : limit ?? DefaultLimit,
            csv);
        errors = reader.Errors;
        return errors.Count == 0;
    }

    /// <summary>An ISO 8601 time; without an offset it is UTC, as every time the API shows.</summary>
    public static DateTimeOffset? ReadTime(QueryReader reader, string name)
    {
        if (reader.Single(name) is not { } value)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        reader.Error(name, $"'{name}' must be a time in ISO 8601, e.g. 2026-12-01T20:00:00Z; got '{value}'.");
        return null;
    }

    private static HistoryCursor? ReadCursor(QueryReader reader)
    {
        if (reader.Single("cursor") is not { } value)
        {
            return null;
        }

        var cursor = HistoryCursor.TryDecode(value);
        if (cursor is null)
        {
            reader.Error("cursor", "'cursor' must be the 'next' value of a previous answer, unchanged.");
        }

        return cursor;
    }
}
