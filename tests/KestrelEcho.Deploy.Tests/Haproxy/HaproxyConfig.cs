using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace KestrelEcho.Deploy.Tests.Haproxy;

/// <summary>
/// deploy/haproxy/haproxy.cfg as shipped: the settings the tests compare with the service's, and the same file with
/// only its addresses, ports and stats socket path replaced so that it runs on loopback next to the tests.
/// </summary>
public sealed partial class HaproxyConfig(string text)
{
    public string Text { get; } = text;

    /// <summary>The backend's server lines, in order.</summary>
    public IReadOnlyList<Match> Servers => ServerLine().Matches(Text).ToList();

    /// <summary>The health check interval every server line sets (they must agree).</summary>
    public TimeSpan CheckInterval => TimeSpan.FromSeconds(SameOnEveryServer(CheckIntervalOption()));

    /// <summary>Failed checks in a row before a server is DOWN (every server line must agree).</summary>
    public int CheckFall => SameOnEveryServer(CheckFallOption());

    /// <summary>
    /// What the README and the file recommend for Echo:ShutdownDelay behind this balancer: the longest it can take
    /// to mark a server DOWN (inter x fall), plus two intervals of margin (a check under way, scheduling).
    /// </summary>
    public TimeSpan RecommendedShutdownDelay => CheckInterval * (CheckFall + 2);

    public TimeSpan TunnelTimeout
    {
        get
        {
            var match = TunnelTimeoutLine().Match(Text);
            Assert.True(match.Success, "haproxy.cfg sets no `timeout tunnel` in minutes");
            return TimeSpan.FromMinutes(int.Parse(match.Groups["minutes"].Value, CultureInfo.InvariantCulture));
        }
    }

    public static HaproxyConfig Shipped() => new(RepositoryFiles.ReadAllText(DeployPaths.HaproxyConfig));

    /// <summary>
    /// The shipped file on loopback: the echo frontend on <paramref name="frontend"/>, the stats page on
    /// <paramref name="statsPort"/>, the stats socket at <paramref name="statsSocket"/>, and server i sending to
    /// <paramref name="instances"/>[i]'s echo port with its checks on that instance's HTTP port. The global
    /// <c>maxconn</c> becomes <paramref name="maxConnections"/>: the shipped 30,000 needs over 60,000 file
    /// descriptors, more than some containers' hard limit (20,000 where this was written), and HAProxy then
    /// refuses to start.
    /// </summary>
    public string RenderOnLoopback(IPEndPoint frontend, int statsPort, string statsSocket, IReadOnlyList<(IPEndPoint Echo, IPEndPoint Http)> instances, int maxConnections)
    {
        Assert.Equal(instances.Count, Servers.Count);
        var text = ReplaceOnce(Text, EchoBind(), $"${{indent}}bind {frontend}");
        text = ReplaceOnce(text, GlobalMaxConnections(), $"${{indent}}maxconn {maxConnections}");
        text = ReplaceOnce(text, StatsBind(), $"${{indent}}bind 127.0.0.1:{statsPort}");
        text = ReplaceOnce(text, StatsSocketLine(), $"${{indent}}stats socket {statsSocket} ");

        var server = 0;
        return ServerLine().Replace(text, match =>
        {
            var (echo, http) = instances[server++];
            var options = CheckPortOption().Replace(match.Groups["options"].Value, $"check port {http.Port}");
            return $"{match.Groups["indent"].Value}server {match.Groups["name"].Value} {echo} {options}";
        });
    }

    private int SameOnEveryServer(Regex option)
    {
        var values = Servers.Select(server => option.Match(server.Value)).ToList();
        Assert.All(values, value => Assert.True(value.Success, $"a server line lacks `{option}`"));
        return Assert.Single(values.Select(static value => int.Parse(value.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct());
    }

    private static string ReplaceOnce(string text, Regex pattern, string replacement)
    {
        Assert.True(pattern.Count(text) == 1, $"haproxy.cfg should have exactly one line matching `{pattern}`");
        return pattern.Replace(text, replacement);
    }

    [GeneratedRegex(@"^(?<indent>[ \t]*)server (?<name>\S+) (?<address>\S+) (?<options>.*)$", RegexOptions.Multiline)]
    private static partial Regex ServerLine();

    [GeneratedRegex(@"\bcheck port \d+")]
    private static partial Regex CheckPortOption();

    [GeneratedRegex(@"\binter (\d+)s\b")]
    private static partial Regex CheckIntervalOption();

    [GeneratedRegex(@"\bfall (\d+)\b")]
    private static partial Regex CheckFallOption();

    [GeneratedRegex(@"^(?<indent>[ \t]*)maxconn \d+$", RegexOptions.Multiline)]
    private static partial Regex GlobalMaxConnections();

    [GeneratedRegex(@"^(?<indent>[ \t]*)bind :9999$", RegexOptions.Multiline)]
    private static partial Regex EchoBind();

    [GeneratedRegex(@"^(?<indent>[ \t]*)bind 127\.0\.0\.1:8404$", RegexOptions.Multiline)]
    private static partial Regex StatsBind();

    [GeneratedRegex(@"^(?<indent>[ \t]*)stats socket \S+ ", RegexOptions.Multiline)]
    private static partial Regex StatsSocketLine();

    [GeneratedRegex(@"^[ \t]*timeout tunnel (?<minutes>\d+)m$", RegexOptions.Multiline)]
    private static partial Regex TunnelTimeoutLine();
}
