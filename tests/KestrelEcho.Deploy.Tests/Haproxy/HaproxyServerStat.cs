namespace KestrelEcho.Deploy.Tests.Haproxy;

/// <summary>
/// One server's row of HAProxy's <c>show stat</c>: its state (<c>UP</c>, <c>DOWN</c>, or a transition such as
/// <c>UP 1/3</c>), the sessions HAProxy has ever sent it, and its last health check.
/// </summary>
public sealed record HaproxyServerStat(string Backend, string Server, string Status, long TotalSessions, string CheckStatus, string CheckCode)
{
    /// <summary>Parses the CSV <c>show stat</c> answers (header line <c># pxname,svname,...</c>), servers only.</summary>
    public static IReadOnlyList<HaproxyServerStat> ParseServers(string csv)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines.FirstOrDefault(static line => line.StartsWith("# ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No CSV header in HAProxy's answer: {csv}");
        var columns = header[2..].Split(',');
        int Column(string name) => Array.IndexOf(columns, name) is var index and >= 0
            ? index
            : throw new InvalidOperationException($"HAProxy's stats have no column {name}: {header}");

        var (backend, server, status, sessions, checkStatus, checkCode) =
            (Column("pxname"), Column("svname"), Column("status"), Column("stot"), Column("check_status"), Column("check_code"));
        return
        [
            .. lines
                .Where(static line => !line.StartsWith('#'))
                .Select(static line => line.Split(','))
                .Where(fields => fields[server] is not ("FRONTEND" or "BACKEND"))
                .Select(fields => new HaproxyServerStat(
                    fields[backend],
                    fields[server],
                    fields[status],
                    long.Parse(fields[sessions], System.Globalization.CultureInfo.InvariantCulture),
                    fields[checkStatus],
                    fields[checkCode])),
        ];
    }
}
