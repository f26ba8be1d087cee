using KestrelEcho.Client.Tests.Infrastructure;
using KestrelEcho.Testing;

namespace KestrelEcho.Client.Tests.Bench;

[Collection(BenchRuns.Collection)]
public sealed class SourceAddressTests(TlsEchoAppFactory app) : EchoAppTest<TlsEchoAppFactory>(app)
{
    [Fact]
    public async Task PingPong_FourSourceAddresses_TheServiceSeesTwoConnectionsFromEach()
    {
        string[] sources = ["127.0.0.10", "127.0.0.11", "127.0.0.12", "127.0.0.13"];
        var started = DateTimeOffset.UtcNow;

        var run = await BenchRuns.AgainstAsync(App.EchoEndPoint.Port, "-c", "8", "--source-addresses", "4", "-d", "0.3", "--warmup", "0", "--json");

        run.AssertExitCode(0);
        Assert.Equal(4, BenchRuns.Json(run).GetProperty("sourceAddresses").GetInt32());
        string[] seen = [];
        await Poll.UntilAsync(
            async () => (seen = [.. (await App.ClosedConnectionsAsync(started, sources)).Select(connection => connection.GetProperty("remoteAddress").GetString()!)]).Length >= 8,
            TimeSpan.FromSeconds(10),
            () => $"the service recorded {seen.Length} of the 8 connections closed: {string.Join(", ", seen)}");
        Assert.Equal(8, seen.Length);
        Assert.All(sources, source => Assert.Equal(2, seen.Count(address => address == source)));
    }

    [Fact]
    public async Task SourceAddresses_NonLoopbackTarget_IsAUsageErrorBeforeConnecting()
    {
        var run = await ClientRun.InvokeAsync("bench", "--host", "192.0.2.1", "--port", "7", "--source-addresses", "2");

        run.AssertExitCode(1);
        Assert.Equal(string.Empty, run.Out);
        Assert.Equal(
            "kestrel-echo: --source-addresses binds to 127.0.0.x, which reaches only IPv4 loopback targets, and 192.0.2.1 is not one; use --source-addresses 0",
            Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task SourceAddresses_OutOfRange_IsAUsageError()
    {
        var run = await ClientRun.InvokeAsync("bench", "--source-addresses", "246");

        run.AssertExitCode(1);
        Assert.Contains("--source-addresses must be between 0 and 245", run.Error, StringComparison.Ordinal);
    }
}
