using System.Net;
using KestrelEcho.Connections;
using KestrelEcho.Echo;
using KestrelEcho.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace KestrelEcho.Tests.Echo;

/// <summary>
/// The echo loops only count bytes; the sweeper's tick hands them to the meters and stamps the last activity, and the
/// close hands over the rest, so the counters are exact once a connection has closed. Run on a clock the test moves,
/// with the sweeper called by hand (the host is built, never started: no tick of its own).
/// </summary>
public sealed class ByteCatchUpTests : IDisposable
{
    private static readonly TimeSpan s_idleTimeout = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();
    private readonly IHost _host;
    private readonly ConnectionRegistry _registry;
    private readonly ConnectionSweeper _sweeper;
    private readonly SessionTracker _tracker;
    private readonly EchoMeterRecorder _meter;

    public ByteCatchUpTests()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Echo:IdleTimeout"] = s_idleTimeout.ToString();
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddEcho();
        _host = builder.Build();
        _registry = _host.Services.GetRequiredService<ConnectionRegistry>();
        _sweeper = ActivatorUtilities.CreateInstance<ConnectionSweeper>(_host.Services);
        _tracker = _host.Services.CreateSessionTracker<ByteCatchUpTests>();
        _meter = new EchoMeterRecorder(_host.Services);
    }

    [Fact]
    public void BytesReachTheCounters_AtTheNextTick_NotPerRead_AndExactlyAtTheClose()
    {
        var session = OpenInEcho("a");
        session.OnReceived(100, _time);
        session.OnSent(60);

        Assert.Equal((0, 0), (_meter.Received, _meter.Sent));

        _time.Advance(TimeSpan.FromSeconds(1));
        _sweeper.Sweep();
        Assert.Equal((100, 60), (_meter.Received, _meter.Sent));

        // A tick with nothing new adds nothing.
        _time.Advance(TimeSpan.FromSeconds(1));
        _sweeper.Sweep();
        Assert.Equal((100, 60), (_meter.Received, _meter.Sent));

        session.OnSent(40);
        session.OnReceived(7, _time);
        session.OnSent(7);
        _tracker.Close(session, CloseReason.ClientClosed);

        Assert.Equal((107, 107), (_meter.Received, _meter.Sent));
        Assert.Equal((107, 107), (_registry.ClosedTotals.BytesReceived, _registry.ClosedTotals.BytesSent));
    }

    [Fact]
    public void TheTickThatSeesNewBytes_StampsTheActivity_SoTheIdleTimeoutCountsFromThere()
    {
        var session = OpenInEcho("b");
        var opened = _time.GetTimestamp();

        // Bytes a moment before the timeout would fall due: the tick that sees them is their stamp.
        _time.Advance(s_idleTimeout - TimeSpan.FromSeconds(1));
        session.OnReceived(1, _time);
        Assert.Equal(opened, session.LastReceivedTimestamp);
        _time.Advance(TimeSpan.FromSeconds(1));
        _sweeper.Sweep();
        var seen = _time.GetTimestamp();
        Assert.Equal((seen, seen), (session.LastReceivedTimestamp, session.LastActivityTimestamp));
        Assert.Null(session.RequestedCloseReason);

        // Only echoing moves the activity, not what the idle timeout measures.
        _time.Advance(TimeSpan.FromSeconds(1));
        session.OnSent(1);
        _sweeper.Sweep();
        Assert.Equal((seen, _time.GetTimestamp()), (session.LastReceivedTimestamp, session.LastActivityTimestamp));

        _time.Advance(s_idleTimeout - TimeSpan.FromSeconds(2));
        _sweeper.Sweep();
        Assert.Null(session.RequestedCloseReason);

        _time.Advance(TimeSpan.FromSeconds(1));
        _sweeper.Sweep();
        Assert.Equal(CloseReason.IdleTimeout, session.RequestedCloseReason);
    }

    [Fact]
    public void ACatchUpHoldingAnOlderCount_ClaimsNothing_SoTheCountersNeverGetANegativeAdd()
    {
        // The close caught up to 120 while the sweeper, on another thread, still held the 100 it had read.
        long caughtUp = 0;
        Assert.Equal(120, EchoSession.Claim(ref caughtUp, 120));

        Assert.Equal(0, EchoSession.Claim(ref caughtUp, 100));
        Assert.Equal(120, caughtUp);
        Assert.Equal(5, EchoSession.Claim(ref caughtUp, 125));
    }

    public void Dispose()
    {
        _meter.Dispose();
        _host.Dispose();
    }

    private EchoSession OpenInEcho(string id)
    {
        var session = _tracker.Open(id, ConnectionListener.Echo, new IPEndPoint(IPAddress.Loopback, 40000), new IPEndPoint(IPAddress.Loopback, 9999), new NoConnection());
        session.EnterStage(ConnectionStage.Echo, _time.GetTimestamp());
        return session;
    }

    private sealed class NoConnection : ISessionConnection
    {
        public void WakeEcho(CloseReason reason)
        {
        }

        public void Abort(CloseReason reason)
        {
        }

        public void Reset(CloseReason reason)
        {
        }
    }
}
