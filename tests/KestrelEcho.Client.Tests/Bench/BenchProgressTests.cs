using KestrelEcho.Client.Bench;
using KestrelEcho.Client.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace KestrelEcho.Client.Tests.Bench;

/// <summary>
/// The progress lines on a clock the test moves: each second's line, its rates and phase, the terminal's redraw,
/// and the labels when ticks come late or a stall merges them. Waiting for each write before moving the clock
/// on makes every line's time exact.
/// </summary>
public sealed class BenchProgressTests : IDisposable
{
    private readonly BenchCounters _counters = new();
    private readonly ProgressOutput _error = new();
    private readonly TaskCompletionSource<int> _run = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string _phase = "measuring";

    [Fact]
    public async Task NotATerminal_EachSecond_OnePlainLineWithThatSecondsRates()
    {
        var clock = new FakeTimeProvider();
        var showing = Show(clock, live: false);

        Connect(3);
        Echo(512, bytesEach: 2048);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("1 s measuring: 512 msg/s, 1.000 MiB/s, 3 open, 3 connects/s, 0 errors\n", await _error.NextAsync());

        Echo(300, bytesEach: 1000);
        _counters.Disconnected();
        _counters.Error("reset");
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("2 s measuring: 300 msg/s, 0.286 MiB/s, 2 open, 0 connects/s, 1 errors\n", await _error.NextAsync());

        Assert.Empty(await EndAsync(showing));
    }

    [Fact]
    public async Task Phase_EachLineShowsThePhaseAtItsSecond()
    {
        var clock = new FakeTimeProvider();
        var showing = Show(clock, live: false);

        _phase = "warm-up";
        Connect(1);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("1 s warm-up: 0 msg/s, 0.000 MiB/s, 1 open, 1 connects/s, 0 errors\n", await _error.NextAsync());

        _phase = "measuring";
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.StartsWith("2 s measuring: ", await _error.NextAsync(), StringComparison.Ordinal);

        _phase = "holding";
        Connect(5);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("3 s holding: 0 msg/s, 0.000 MiB/s, 6 open, 5 connects/s, 0 errors\n", await _error.NextAsync());

        Assert.Empty(await EndAsync(showing));
    }

    [Fact]
    public async Task OnATerminal_RedrawsOneLineInPlace_AndClearsItAtTheEnd()
    {
        var clock = new FakeTimeProvider();
        var showing = Show(clock, live: true);

        Echo(16, bytesEach: 65536);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("\r1 s measuring: 16 msg/s, 1.000 MiB/s, 0 open, 0 connects/s, 0 errors\x1b[K", await _error.NextAsync());

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("\r2 s measuring: 0 msg/s, 0.000 MiB/s, 0 open, 0 connects/s, 0 errors\x1b[K", await _error.NextAsync());

        Assert.Equal(new[] { "\r\x1b[K" }, await EndAsync(showing));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunOverBeforeTheFirstSecond_NothingButTheTerminalsClear(bool live)
    {
        var clock = new FakeTimeProvider();
        var showing = Show(clock, live);

        clock.Advance(TimeSpan.FromSeconds(0.9));

        string[] onlyTheClear = live ? ["\r\x1b[K"] : [];
        Assert.Equal(onlyTheClear, await EndAsync(showing));
    }

    [Fact]
    public async Task TickHandledLate_LabelledWithTheWholeSecondsPassed_RatesOverTheWholeTime()
    {
        var clock = new FakeTimeProvider();
        var showing = Show(clock, live: false);
        Echo(100, bytesEach: 64);
        _error.HoldWrites();
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("1 s measuring: 100 msg/s, 0.006 MiB/s, 0 open, 0 connects/s, 0 errors\n", await _error.NextAsync());

        // The reporter is still busy with that line when the tick of second 2 comes: it handles it at 2.6 s.
        Echo(160, bytesEach: 64);
        clock.Advance(TimeSpan.FromSeconds(1.6));
        _error.ReleaseWrites();
        Assert.Equal("2 s measuring: 100 msg/s, 0.006 MiB/s, 0 open, 0 connects/s, 0 errors\n", await _error.NextAsync());

        Echo(40, bytesEach: 64);
        clock.Advance(TimeSpan.FromSeconds(0.4));
        Assert.Equal("3 s measuring: 100 msg/s, 0.006 MiB/s, 0 open, 0 connects/s, 0 errors\n", await _error.NextAsync());

        Assert.Empty(await EndAsync(showing));
    }

    [Fact]
    public async Task TickHandledAsTheNextSecondIsUp_TheNextTickDoesNotRepeatItsLabel()
    {
        var clock = new FakeTimeProvider();
        var showing = Show(clock, live: false);
        _error.HoldWrites();
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.StartsWith("1 s ", await _error.NextAsync(), StringComparison.Ordinal);

        // Second 2's tick, handled at 2.97 s, is as good as second 3's: the tick that comes at 3 s prints nothing.
        Echo(197, bytesEach: 64);
        clock.Advance(TimeSpan.FromSeconds(1.97));
        _error.ReleaseWrites();
        Assert.Equal("3 s measuring: 100 msg/s, 0.006 MiB/s, 0 open, 0 connects/s, 0 errors\n", await _error.NextAsync());

        clock.Advance(TimeSpan.FromSeconds(0.03));
        Echo(103, bytesEach: 64);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("4 s measuring: 100 msg/s, 0.006 MiB/s, 0 open, 0 connects/s, 0 errors\n", await _error.NextAsync());

        Assert.Empty(await EndAsync(showing));
    }

    [Fact]
    public async Task StallMergesTicks_OneLineAtTheTrueTime_TheMissedSecondsLeftOut()
    {
        var clock = new FakeTimeProvider();
        var showing = Show(clock, live: false);
        _error.HoldWrites();
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.StartsWith("1 s ", await _error.NextAsync(), StringComparison.Ordinal);

        // Seconds 2, 3 and 4 tick while the reporter is stalled; it gets to them at 4.3 s.
        Echo(330, bytesEach: 64);
        clock.Advance(TimeSpan.FromSeconds(3.3));
        _error.ReleaseWrites();
        Assert.Equal("4 s measuring: 100 msg/s, 0.006 MiB/s, 0 open, 0 connects/s, 0 errors\n", await _error.NextAsync());

        Echo(70, bytesEach: 64);
        clock.Advance(TimeSpan.FromSeconds(0.7));
        Assert.Equal("5 s measuring: 100 msg/s, 0.006 MiB/s, 0 open, 0 connects/s, 0 errors\n", await _error.NextAsync());

        Assert.Empty(await EndAsync(showing));
    }

    [Fact]
    public async Task TimerFiresAFewMillisecondsEarly_TheTickStillCountsAsItsSecond()
    {
        var clock = new EarlyTimerClock(TimeSpan.FromMilliseconds(3));
        var showing = Show(clock, live: false);

        Echo(997, bytesEach: 64);
        clock.Advance(TimeSpan.FromSeconds(0.997));
        Assert.Equal("1 s measuring: 1000 msg/s, 0.061 MiB/s, 0 open, 0 connects/s, 0 errors\n", await _error.NextAsync());

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.StartsWith("2 s ", await _error.NextAsync(), StringComparison.Ordinal);

        Assert.Empty(await EndAsync(showing));
    }

    public void Dispose() => _error.Dispose();

    private Task<int> Show(TimeProvider clock, bool live) =>
        new BenchProgress(() => _phase, _counters, _error, live, clock).ShowWhileAsync(() => _run.Task, TestContext.Current.CancellationToken);

    /// <summary>Ends the run; what the reporter wrote after the lines already read.</summary>
    private async Task<string[]> EndAsync(Task<int> showing)
    {
        _run.SetResult(0);
        await showing;
        return _error.Rest();
    }

    private void Connect(int connections)
    {
        for (var i = 0; i < connections; i++)
        {
            _counters.Connected();
        }
    }

    private void Echo(int messages, int bytesEach)
    {
        for (var i = 0; i < messages; i++)
        {
            _counters.Echoed(bytesEach);
        }
    }
}
