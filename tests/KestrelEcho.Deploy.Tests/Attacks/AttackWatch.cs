using System.Diagnostics;
using System.Net.Sockets;
using KestrelEcho.Connections;

namespace KestrelEcho.Deploy.Tests.Attacks;

/// <summary>
/// Everything that watches the service while an attack runs: the canary, the liveness probe, the peaks of memory and
/// open files, and the log from the attack's first line on. <see cref="FinishAsync"/> checks what must have held and
/// returns the figures.
/// </summary>
internal sealed class AttackWatch : IAsyncDisposable
{
    /// <summary>The reasons a connection is closed for before the echo: each summarized, never logged one by one.</summary>
    private static readonly string[] s_summarizedReasons =
    [
        .. new[]
        {
            CloseReason.ConnectionLimit, CloseReason.PerIpLimit, CloseReason.UntrustedProxy, CloseReason.ProxyProtocolError,
            CloseReason.ProxyProtocolTimeout, CloseReason.HandshakeTimeout, CloseReason.TlsHandshakeFailed,
        }.Select(static reason => reason.ToName()),
    ];

    private static readonly TimeSpan s_closeDeadline = TimeSpan.FromMinutes(2);

    private readonly AttackedService _service;
    private readonly CancellationTokenSource _stop = new();
    private readonly Canary _canary;
    private readonly HealthProbe _health;
    private readonly ResourcePeaks _peaks;
    private readonly int _firstLogLine;
    private readonly long _started = Stopwatch.GetTimestamp();

    private AttackWatch(AttackedService service, Socket canary)
    {
        _service = service;
        _firstLogLine = service.Process.Stdout.Count;
        _canary = Canary.Start(canary, _stop.Token);
        _health = HealthProbe.Start(service.Ops, _stop.Token);
        _peaks = ResourcePeaks.Start(service.Process.Id, _stop.Token);
    }

    public static AttackWatch Start(AttackedService service, Socket canary) => new(service, canary);

    /// <summary>
    /// Waits until the service has counted exactly <paramref name="expectedCloses"/> (close reason → connections,
    /// every reason not named at 0) and has summarized each refusal in its log; then stops watching and checks the
    /// rest: the canary verified every byte, /health/live answered every probe, nothing failed or crashed, and the
    /// refusals took at most one log line per reason per interval.
    /// </summary>
    public async Task<AttackRow> FinishAsync(string attack, string settings, IReadOnlyDictionary<string, long> expectedCloses, string notes = "")
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        Dictionary<string, long> closes = [];
        await Poll.UntilAsync(
            async () =>
            {
                closes = Closes(await _service.MetricsAsync(cancellationToken));
                return closes.Count == expectedCloses.Count && expectedCloses.All(pair => closes.GetValueOrDefault(pair.Key) == pair.Value);
            },
            s_closeDeadline,
            () => $"closes by reason {Show(expectedCloses)}; counted so far {Show(closes)}");

        await Poll.UntilAsync(
            () => s_summarizedReasons.All(reason => Summarized(reason) == closes.GetValueOrDefault(reason)),
            _service.Scale.RefusalLogInterval + TimeSpan.FromSeconds(10),
            () => $"the refusal summaries to account for {Show(closes)}; logged {string.Join(", ", s_summarizedReasons.Select(reason => $"{reason} {Summarized(reason)}"))}");
        var duration = Stopwatch.GetElapsedTime(_started);

        await _stop.CancelAsync();
        await _canary.Stopped;
        Assert.True(_canary.VerifiedBytes > 0, "The canary verified no byte.");
        await _health.Stopped;
        _health.AssertAllAnswered();
        await _peaks.Stopped;

        var log = Log();
        Assert.False(_service.Process.HasExited, $"The service exited during the attack; its output:\n{string.Join('\n', _service.Process.Stdout)}");
        Assert.DoesNotContain(log, static line => line.Contains(" fail: ", StringComparison.Ordinal) || line.Contains(" crit: ", StringComparison.Ordinal));
        var summaries = RefusalSummaries.In(log);
        var intervals = (int)Math.Ceiling(duration / _service.Scale.RefusalLogInterval) + 1;
        foreach (var reason in summaries.Select(static summary => summary.Reason).Distinct())
        {
            Assert.True(
                summaries.Count(summary => summary.Reason == reason) <= intervals,
                $"More than one {reason} summary per {_service.Scale.RefusalLogInterval.TotalSeconds} s in {duration.TotalSeconds:0.0} s: {summaries.Count(summary => summary.Reason == reason)} lines.");
        }

        return new AttackRow(
            attack,
            settings,
            closes,
            _peaks.ResidentBytes,
            _peaks.OpenFiles,
            _health.Answered,
            _health.Slowest,
            _canary.VerifiedBytes,
            _canary.SlowestEcho,
            log.Count,
            summaries.Count,
            duration,
            notes);
    }

    /// <summary>Stops watching, if the attack ended before <see cref="FinishAsync"/>; what the watchers saw then does not matter.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_canary.Stopped, _health.Stopped, _peaks.Stopped).ContinueWith(static _ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    /// <summary>Connections closed so far by reason, from /metrics, leaving out the reasons at 0.</summary>
    private static Dictionary<string, long> Closes(string metrics) =>
        Enum.GetValues<CloseReason>()
            .Select(static reason => reason.ToName())
            .Select(reason => (reason, count: (long)(PrometheusText.Sum(metrics, "kestrel_echo_connections_closed_total", $"kestrel_echo_close_reason=\"{reason}\"") ?? 0)))
            .Where(static pair => pair.count > 0)
            .ToDictionary(static pair => pair.reason, static pair => pair.count);

    private static string Show(IReadOnlyDictionary<string, long> closes) =>
        closes.Count == 0 ? "none" : string.Join(", ", closes.OrderBy(static pair => pair.Key).Select(static pair => $"{pair.Key} {pair.Value}"));

    private long Summarized(string reason) =>
        RefusalSummaries.In(Log()).Where(summary => summary.Reason == reason).Sum(static summary => summary.Count);

    private List<string> Log() => [.. _service.Process.Stdout.Skip(_firstLogLine)];
}
