using System.Globalization;
using System.Text.Json;

namespace KestrelEcho.Client.Tests.Infrastructure;

/// <summary>Runs <c>kestrel-echo bench</c> against a loopback port, and reads what it wrote.</summary>
/// <remarks>
/// How many progress lines a run prints, and at which second, is up to the machine's scheduler: these tests
/// check that whatever progress there is has the right form and stays on standard error. The lines themselves
/// are checked exactly, on a fake clock, in <c>BenchProgressTests</c>.
/// </remarks>
public static class BenchRuns
{
    /// <summary>
    /// Bench tests share one collection, so they run one at a time: each loads both cores for a second or two,
    /// and a second run beside it would starve its measurement window.
    /// </summary>
    public const string Collection = "bench";

    /// <summary>Every phase a run goes through, whatever its mode.</summary>
    public const string AnyPhase = "connecting|warm-up|measuring|opening|holding|checking";

    public static Task<ClientRun> AgainstAsync(int port, params string[] args) =>
        ClientRun.InvokeAsync(["bench", .. args, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture)]);

    public static JsonElement Json(ClientRun run)
    {
        using var document = JsonDocument.Parse(run.Out);
        return document.RootElement.Clone();
    }

    /// <summary>A progress line (not on a terminal) in one of <paramref name="phases"/>; the counts as patterns.</summary>
    public static string ProgressLine(string phases = AnyPhase, string open = @"\d+", string errors = @"\d+") =>
        $@"^\d+ s ({phases}): \d+ msg/s, \d+\.\d{{3}} MiB/s, {open} open, \d+ connects/s, {errors} errors$";

    /// <summary>Standard error holds progress lines matching <paramref name="progressLine"/>, if any, and nothing else.</summary>
    public static void AssertOnlyProgress(ClientRun run, string progressLine) =>
        Assert.All(run.ErrorLines, line => Assert.Matches(progressLine, line));

    /// <summary>The one line a failed run leaves on standard error; anything else there must be progress.</summary>
    public static string FailureLine(ClientRun run)
    {
        Assert.All(run.ErrorLines.Except(run.FailureLines), line => Assert.Matches(ProgressLine(), line));
        return Assert.Single(run.FailureLines);
    }
}
