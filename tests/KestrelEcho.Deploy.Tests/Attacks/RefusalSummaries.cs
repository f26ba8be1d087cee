using System.Globalization;
using System.Text.RegularExpressions;

namespace KestrelEcho.Deploy.Tests.Attacks;

/// <summary>The service's ConnectionsRefused lines (RefusalLog): one per close reason per Echo:RefusalLogInterval.</summary>
internal static partial class RefusalSummaries
{
    /// <summary>Each summary line among <paramref name="lines"/>: the close reason and the count it reports.</summary>
    public static IReadOnlyList<(string Reason, long Count)> In(IEnumerable<string> lines) =>
    [
        .. lines
            .Select(static line => SummaryLine().Match(line))
            .Where(static match => match.Success)
            .Select(static match => (match.Groups["reason"].Value, long.Parse(match.Groups["count"].Value, CultureInfo.InvariantCulture))),
    ];

    [GeneratedRegex(@"(?<count>\d+) connections closed before the echo in the last [\d.]+ s: (?<reason>[a-z_]+); most from ")]
    private static partial Regex SummaryLine();
}
