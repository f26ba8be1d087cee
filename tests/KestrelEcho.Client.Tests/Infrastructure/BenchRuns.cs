using System.Globalization;
using System.Text.Json;

namespace KestrelEcho.Client.Tests.Infrastructure;

/// <summary>Runs <c>kestrel-echo bench</c> against a loopback port, and reads its <c>--json</c> output.</summary>
public static class BenchRuns
{
    /// <summary>
    /// Bench tests share one collection, so they run one at a time: each loads both cores for a second or two,
    /// and a second run beside it would starve its measurement window.
    /// </summary>
    public const string Collection = "bench";

    public static Task<ClientRun> AgainstAsync(int port, params string[] args) =>
        ClientRun.InvokeAsync(["bench", .. args, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture)]);

    public static JsonElement Json(ClientRun run)
    {
        using var document = JsonDocument.Parse(run.Out);
        return document.RootElement.Clone();
    }
}
