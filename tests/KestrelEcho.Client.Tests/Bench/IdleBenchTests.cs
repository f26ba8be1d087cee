using System.Text.Json;
using KestrelEcho.Client.Tests.Infrastructure;
using KestrelEcho.Testing;

namespace KestrelEcho.Client.Tests.Bench;

[Collection(BenchRuns.Collection)]
public sealed class IdleBenchTests(TlsEchoAppFactory app) : EchoAppTest<TlsEchoAppFactory>(app)
{
    private int EchoPort => App.EchoEndPoint.Port;

    [Fact]
    public async Task Idle_HoldsEveryConnection_TheServiceSawThemAllOpenAtOnce()
    {
        string[] sources = ["127.0.0.10", "127.0.0.11", "127.0.0.12"];
        var started = DateTimeOffset.UtcNow;

        var run = await BenchRuns.AgainstAsync(EchoPort, "-m", "idle", "-c", "6", "--source-addresses", "3", "-d", "1", "--json");

        run.AssertExitCode(0);
        var root = BenchRuns.Json(run);
        Assert.Equal("idle", root.GetProperty("mode").GetString());
        Assert.Equal(6, root.GetProperty("held").GetInt32());
        Assert.Equal(6, root.GetProperty("alive").GetInt32());
        Assert.Equal(6, root.GetProperty("connectionsOpened").GetInt64());
        Assert.True(root.GetProperty("connectionsPerSecond").GetDouble() > 0);
        Assert.Equal(1, root.GetProperty("measuredSeconds").GetDouble(), 3);
        Assert.Equal("connect", root.GetProperty("latencyOf").GetString());
        BenchCommandTests.AssertLatencies(root);
        BenchRuns.AssertOnlyProgress(run, BenchRuns.ProgressLine("connecting|opening|holding|checking", open: "[0-6]", errors: "0"));

        // The service's record of the run, once it has closed them all: two from each address, each checked with
        // its 8 bytes, and every one accepted before the first was closed.
        JsonElement[] held = [];
        await Poll.UntilAsync(
            async () => (held = await App.ClosedConnectionsAsync(started, sources)).Length >= 6,
            TimeSpan.FromSeconds(10),
            () => $"the service recorded {held.Length} of the 6 idle connections closed");
        Assert.Equal(6, held.Length);
        Assert.All(sources, source => Assert.Equal(2, held.Count(connection => connection.GetProperty("remoteAddress").GetString() == source)));
        Assert.All(held, connection =>
        {
            Assert.Equal(8, connection.GetProperty("bytesReceived").GetInt64());
            Assert.Equal(8, connection.GetProperty("bytesSent").GetInt64());
        });
        var lastAccepted = held.Max(connection => connection.GetProperty("connectedAt").GetDateTimeOffset());
        var firstClosed = held.Min(connection => connection.GetProperty("closedAt").GetDateTimeOffset());
        Assert.True(lastAccepted < firstClosed, $"the last connection was accepted at {lastAccepted:O}, after the first was closed at {firstClosed:O}");
    }

    [Fact]
    public async Task Idle_MoreThanThePerAddressLimit_AutomaticSpreadingHoldsThemAll()
    {
        // The service admits 100 connections per client address (Echo:MaxConnectionsPerIp's default).
        var run = await BenchRuns.AgainstAsync(EchoPort, "-m", "idle", "-c", "150", "-d", "0.5", "--json");

        run.AssertExitCode(0);
        var root = BenchRuns.Json(run);
        Assert.Equal(3, root.GetProperty("sourceAddresses").GetInt32());
        Assert.Equal(150, root.GetProperty("held").GetInt32());
        Assert.Equal(150, root.GetProperty("alive").GetInt32());
    }

    [Fact]
    public async Task Idle_OneSourceAddressOverThePerAddressLimit_RefusedConnectionsAreErrors()
    {
        // Connections an earlier test closed from this address must be counted out first, or they too take slots.
        await Poll.UntilAsync(
            async () => !(await App.LiveRemoteAddressesAsync()).Contains("127.0.0.10"),
            TimeSpan.FromSeconds(10),
            "earlier connections from 127.0.0.10 to close");

        var run = await BenchRuns.AgainstAsync(EchoPort, "-m", "idle", "-c", "150", "--source-addresses", "1", "-d", "0.5", "--json");

        run.AssertExitCode(2);
        var root = BenchRuns.Json(run);
        Assert.Equal(150, root.GetProperty("held").GetInt32());
        Assert.Equal(100, root.GetProperty("alive").GetInt32());
        Assert.Equal(50, root.GetProperty("errors").GetInt64());
        Assert.Matches(
            @"^kestrel-echo: 50 error\(s\); the first: held connection lost: (closed after 0 of 8 bytes|connection reset) \(connection \d+\)$",
            BenchRuns.FailureLine(run));
    }
}
