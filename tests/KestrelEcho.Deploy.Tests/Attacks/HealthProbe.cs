using System.Diagnostics;
using System.Net;

namespace KestrelEcho.Deploy.Tests.Attacks;

/// <summary>
/// What a liveness probe sees during an attack: <c>GET /health/live</c> four times a second, each allowed
/// <see cref="Timeout"/> (a Kubernetes probe's default is 1 s; the machine here is shared with the attack itself).
/// </summary>
internal sealed class HealthProbe
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(250);

    private int _answered;
    private int _failed;
    private long _slowestTicks;
    private string? _firstFailure;

    private HealthProbe(HttpClient http, CancellationToken stop) => Stopped = RunAsync(http, stop);

    public Task Stopped { get; }

    public int Answered => _answered;

    public TimeSpan Slowest => TimeSpan.FromTicks(_slowestTicks);

    public static HealthProbe Start(HttpClient http, CancellationToken stop) => new(http, stop);

    /// <summary>Once stopped: fails the test unless every probe was answered 200.</summary>
    public void AssertAllAnswered()
    {
        Assert.True(_failed == 0, $"/health/live failed {_failed} of {_failed + _answered} probes; the first: {_firstFailure}");
        Assert.True(_answered > 0, "/health/live was never probed.");
    }

    private async Task RunAsync(HttpClient http, CancellationToken stop)
    {
        await Task.Yield();
        using var interval = new PeriodicTimer(s_interval);
        do
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var timeout = new CancellationTokenSource(Timeout);
                using var response = await http.GetAsync("/health/live", timeout.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    _answered++;
                    _slowestTicks = Math.Max(_slowestTicks, Stopwatch.GetElapsedTime(started).Ticks);
                }
                else
                {
                    Fail($"{(int)response.StatusCode} {response.StatusCode}");
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
            {
                Fail($"{exception.GetType().Name}: {exception.Message} after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
            }
        }
        while (await Ticks.NextAsync(interval, stop));
    }

    private void Fail(string failure)
    {
        _failed++;
        _firstFailure ??= failure;
    }
}
