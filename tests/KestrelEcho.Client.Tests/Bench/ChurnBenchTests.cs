using System.Text.Json;
using KestrelEcho.Client.Tests.Infrastructure;
using KestrelEcho.Testing;

namespace KestrelEcho.Client.Tests.Bench;

[Collection(BenchRuns.Collection)]
public sealed class ChurnBenchTests(TlsEchoAppFactory app) : EchoAppTest<TlsEchoAppFactory>(app)
{
    [Fact]
    public async Task Churn_Json_CountsConnectionsAndTheServiceSawEachCloseCleanly()
    {
        string[] sources = [.. Enumerable.Range(10, 16).Select(last => $"127.0.0.{last}")];
        var started = DateTimeOffset.UtcNow;

        var run = await BenchRuns.AgainstAsync(App.EchoEndPoint.Port, "-m", "churn", "-c", "2", "-s", "48", "-d", "0.5", "--warmup", "0.2", "--json");

        run.AssertExitCode(0);
        var root = BenchRuns.Json(run);
        Assert.Equal("churn", root.GetProperty("mode").GetString());
        var connections = root.GetProperty("connectionsOpened").GetInt64();
        Assert.True(connections > 0, "no connection was measured");
        Assert.Equal(connections, root.GetProperty("messages").GetInt64());
        Assert.Equal(connections * 48, root.GetProperty("verifiedBytes").GetInt64());
        Assert.Equal(connections / 0.5, root.GetProperty("connectionsPerSecond").GetDouble(), connections / 0.5 * 0.01);
        Assert.Equal(16, root.GetProperty("sourceAddresses").GetInt32());
        Assert.Equal("connect and exchange", root.GetProperty("latencyOf").GetString());
        BenchCommandTests.AssertLatencies(root);

        // The service records a close just after its FIN, which the run waited for: ask until it has.
        JsonElement[] churned = [];
        await Poll.UntilAsync(
            async () => (churned = await App.ClosedConnectionsAsync(started, sources)).Length > 0,
            TimeSpan.FromSeconds(10),
            "the service to record a churned connection closed");
        Assert.All(churned, connection =>
        {
            Assert.Equal("client_closed", connection.GetProperty("closeReason").GetString());
            Assert.Equal(48, connection.GetProperty("bytesReceived").GetInt64());
            Assert.Equal(48, connection.GetProperty("bytesSent").GetInt64());
        });
    }

    [Fact]
    public async Task Churn_MeasuredTimeTooShortToReachEveryWorker_EachStillCompletesOneConnection()
    {
        // A millisecond after the warm-up: far less than the time 50 workers need to take their turn.
        var run = await BenchRuns.AgainstAsync(App.EchoEndPoint.Port, "-m", "churn", "-c", "50", "-d", "0.001", "--warmup", "0.05", "--json");

        run.AssertExitCode(0);
        var root = BenchRuns.Json(run);
        var connections = root.GetProperty("connectionsOpened").GetInt64();
        Assert.True(connections >= 50, $"{connections} connections measured over 50 workers");
        Assert.Equal(connections, root.GetProperty("messages").GetInt64());
        Assert.Equal(0, root.GetProperty("errors").GetInt64());
    }

    [Fact]
    public async Task Churn_FlippedByte_Exits1NamingTheConnection()
    {
        await using var broken = BrokenEchoServer.FlippingByte(20);

        var run = await BenchRuns.AgainstAsync(broken.Port, "-m", "churn", "-c", "2", "-s", "32", "-d", "5", "--warmup", "0");

        run.AssertExitCode(1);
        Assert.Equal(string.Empty, run.Out);
        Assert.Matches(@"^kestrel-echo: mismatch at byte 20 \(sent 0x[0-9a-f]{2}, got 0x[0-9a-f]{2}\) \(connection [12]\)$", BenchRuns.FailureLine(run));
    }

    [Fact]
    public async Task Churn_NothingListening_CountsRefusalsAndExits2()
    {
        using var closed = new ClosedPort();

        var run = await BenchRuns.AgainstAsync(closed.Port, "-m", "churn", "-c", "2", "-d", "0.3", "--warmup", "0", "--json");

        run.AssertExitCode(2);
        var root = BenchRuns.Json(run);
        Assert.True(root.GetProperty("errors").GetInt64() >= 2);
        Assert.Equal(0, root.GetProperty("connectionsOpened").GetInt64());
        Assert.Matches(@"^connection refused by 127\.0\.0\.1:\d+ \(127\.0\.0\.1\) from 127\.0\.0\.\d+ \(connection \d+\)$", root.GetProperty("firstError").GetString());
    }
}
