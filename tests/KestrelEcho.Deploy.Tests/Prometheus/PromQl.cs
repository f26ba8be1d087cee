using System.Text.RegularExpressions;

namespace KestrelEcho.Deploy.Tests.Prometheus;

public static partial class PromQl
{
    /// <summary>
    /// The metric names <paramref name="expression"/> selects. Our rules and dashboard always write a selector
    /// with braces (<c>up{job="kestrel-echo"}</c>), so a name before <c>{</c> is a metric name.
    /// </summary>
    public static IReadOnlySet<string> MetricNames(string expression) =>
        Selector().Matches(expression).Select(static match => match.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"(?<![\w:])(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{")]
    private static partial Regex Selector();
}
