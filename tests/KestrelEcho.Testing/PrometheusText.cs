using System.Globalization;

namespace KestrelEcho.Testing;

/// <summary>Reads samples out of the Prometheus text exposition format.</summary>
public static class PrometheusText
{
    /// <summary>
    /// The sum of every sample of <paramref name="metric"/> whose labels contain all of
    /// <paramref name="labels"/> (e.g. <c>server_port="9999"</c>); null when there is none.
    /// </summary>
    public static double? Sum(string exposition, string metric, params string[] labels)
    {
        double? sum = null;
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith('#') || !IsSampleOf(line, metric))
            {
                continue;
            }

            var valueStart = line.LastIndexOf(' ');
            var series = line[..valueStart];
            if (labels.All(label => series.Contains(label, StringComparison.Ordinal)))
            {
                sum = (sum ?? 0) + double.Parse(line[(valueStart + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    private static bool IsSampleOf(string line, string metric) =>
        line.StartsWith(metric, StringComparison.Ordinal)
        && line.Length > metric.Length
        && line[metric.Length] is '{' or ' ';
}
