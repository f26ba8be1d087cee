using System.Globalization;
using System.Text;

namespace KestrelEcho.Deploy.Tests.Attacks;

/// <summary>
/// The battery's figures, one row per attack that finished, written as a markdown table to
/// <c>TestResults/attacks.md</c> after each row (so a failed row leaves the others), and printed with each test.
/// </summary>
public sealed class AttackTable
{
    private const string RelativePath = "TestResults/attacks.md";

    private readonly Lock _lock = new();
    private readonly List<AttackRow> _rows = [];

    internal static string Header =>
        "| attack | settings | closes by reason (/metrics; = attempted) | peak RSS | peak open files | /health/live | canary | log lines (refusal summaries) | took | notes |\n" +
        "|---|---|---|---|---|---|---|---|---|---|";

    /// <summary>Adds <paramref name="row"/>, rewrites the file and prints the row.</summary>
    internal void Add(AttackRow row)
    {
        string table;
        lock (_lock)
        {
            _rows.Add(row);
            table = Render(_rows);
        }

        var path = RepositoryFiles.PathOf(RelativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, table);
        TestContext.Current.TestOutputHelper?.WriteLine($"{Header}\n{Line(row)}");
    }

    private static string Render(IEnumerable<AttackRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Attack battery, {AttackScale.Current.Name} scale, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} CPUs");
        text.AppendLine();
        text.AppendLine(Header);
        foreach (var row in rows)
        {
            text.AppendLine(Line(row));
        }

        return text.ToString();
    }

    private static string Line(AttackRow row)
    {
        var closes = row.Closes.Count == 0
            ? "none"
            : string.Join("<br>", row.Closes.OrderByDescending(static pair => pair.Value).Select(static pair => $"{pair.Key} {Count(pair.Value)}"));
        return string.Join(" | ",
        [
            $"| {row.Attack}",
            row.Settings,
            closes,
            $"{row.PeakResidentBytes / (1024.0 * 1024.0):0} MiB",
            Count(row.PeakOpenFiles),
            $"all {Count(row.HealthAnswered)} answered, slowest {Milliseconds(row.HealthSlowest)}",
            $"{Count(row.CanaryBytes)} bytes verified, slowest echo {Milliseconds(row.CanarySlowest)}",
            $"{Count(row.LogLines)} ({Count(row.RefusalLines)})",
            $"{row.Duration.TotalSeconds:0.0} s",
            $"{row.Notes} |",
        ]);
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Milliseconds(TimeSpan value) => $"{value.TotalMilliseconds:0} ms";
}
