using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Echo;

/// <summary>
/// Editing the watched settings file while the service runs (docs/operations.md, "Changing settings while it
/// runs"): each reloadable limit is logged and enforced from then on, an invalid edit is refused and changes
/// nothing, and the settings read at start say so and stay as they were.
/// </summary>
public sealed class HotReloadTests : FreshAppTest
{
    // Short enough for a quick test, long enough against the sweeper's once-a-second tick.
    private static readonly TimeSpan s_shortTimeout = TimeSpan.FromSeconds(2);

    // When a close that the short timeout makes due has surely come: the timeout, the sweeper's tick, a wide margin.
    private static readonly TimeSpan s_closeDue = TimeSpan.FromSeconds(10);

    private static readonly IPAddress s_client = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress s_otherClient = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task LoweredMaxConnections_RefusesNewConnections_AndLeavesOpenOnesEchoed()
    {
        using var timeout = TestTimeout.Start();
        using var settings = await SettingsFile.CreateAsync("""{ "Echo": { "MaxConnections": 10 } }""", timeout.Token);
        var app = await StartAppAsync(app => app.WithJsonSettings(settings.Path));
        using var first = await app.ConnectAndEchoAsync(timeout.Token);
        using var second = await app.ConnectAndEchoAsync(timeout.Token);

        await settings.ChangeAsync(app, """{ "Echo": { "MaxConnections": 1 } }""", "Echo:MaxConnections 10 -> 1");

        using var refused = await app.ConnectEchoAsync(timeout.Token);
        await app.AssertClosedWithoutEchoAsync(refused, "connection_limit", timeout.Token);
        await first.AssertHolaMundoEchoedAsync(timeout.Token);
        await second.AssertHolaMundoEchoedAsync(timeout.Token);
    }

    [Fact]
    public async Task LoweredMaxConnectionsPerIp_RefusesNewConnectionsFromThatAddress_AndLeavesOthersEchoed()
    {
        using var timeout = TestTimeout.Start();
        using var settings = await SettingsFile.CreateAsync("""{ "Echo": { "MaxConnectionsPerIp": 10 } }""", timeout.Token);
        var app = await StartAppAsync(app => app.WithJsonSettings(settings.Path));
        using var first = await app.ConnectAndEchoAsync(timeout.Token, s_client);
        using var second = await app.ConnectAndEchoAsync(timeout.Token, s_client);

        await settings.ChangeAsync(app, """{ "Echo": { "MaxConnectionsPerIp": 1 } }""", "Echo:MaxConnectionsPerIp 10 -> 1");

        using var refused = await app.ConnectEchoAsync(timeout.Token, s_client);
        await app.AssertClosedWithoutEchoAsync(refused, "per_ip_limit", timeout.Token);
        using var otherAddress = await app.ConnectAndEchoAsync(timeout.Token, s_otherClient);
        await first.AssertHolaMundoEchoedAsync(timeout.Token);
        await second.AssertHolaMundoEchoedAsync(timeout.Token);
    }

    [Theory]
    [InlineData("IdleTimeout", "00:05:00", "idle_timeout")]
    [InlineData("MaxLifetime", "00:00:00", "lifetime_exceeded")]
    public async Task TimeLimitShortenedWhileRunning_ClosesConnections_OpenedBeforeTheChangeOrAfter(string setting, string before, string reason)
    {
        using var timeout = TestTimeout.Start();
        using var settings = await SettingsFile.CreateAsync($$"""{ "Echo": { "{{setting}}": "{{before}}" } }""", timeout.Token);
        var app = await StartAppAsync(app => app.WithJsonSettings(settings.Path));
        using var openedBefore = await app.ConnectAndEchoAsync(timeout.Token);

        await settings.ChangeAsync(app, $$"""{ "Echo": { "{{setting}}": "00:00:02" } }""", $"Echo:{setting} {before} -> 00:00:02");

        var sinceConnect = Stopwatch.StartNew();
        using var openedAfter = await app.ConnectAndEchoAsync(timeout.Token);
        Assert.Empty(await openedAfter.ReceiveToEndWithinAsync(s_closeDue, $"Echo:{setting} is now 2 s", timeout.Token));
        Assert.True(sinceConnect.Elapsed >= s_shortTimeout, $"closed {sinceConnect.Elapsed.TotalSeconds:0.000} s after connecting, before the new Echo:{setting}");
        Assert.Equal(reason, await app.CloseReasonOfAsync(openedAfter));

        // The sweeper reads the limits at each tick, so the new value also ends a connection accepted under the old one.
        Assert.Empty(await openedBefore.ReceiveToEndWithinAsync(s_closeDue, $"Echo:{setting} is now 2 s", timeout.Token));
        Assert.Equal(reason, await app.CloseReasonOfAsync(openedBefore));
    }

    [Fact]
    public async Task MaxBytesPerConnectionSetWhileRunning_LimitsNewConnections_NotOpenOnes()
    {
        using var timeout = TestTimeout.Start();
        using var settings = await SettingsFile.CreateAsync("""{ "Echo": { "MaxBytesPerConnection": 0 } }""", timeout.Token);
        var app = await StartAppAsync(app => app.WithJsonSettings(settings.Path));
        using var openedBefore = await app.ConnectAndEchoAsync(timeout.Token);

        await settings.ChangeAsync(app, """{ "Echo": { "MaxBytesPerConnection": 1000 } }""", "Echo:MaxBytesPerConnection 0 -> 1000");

        var payload = Payload.Random(1500, seed: 41);
        using var openedAfter = await app.ConnectEchoAsync(timeout.Token);
        await openedAfter.SendAllAsync(payload, timeout.Token);
        Assert.Equal("byte_limit", await app.CloseReasonOfAsync(openedAfter));
        Assert.Equal(payload[..1000], await openedAfter.ReceiveToEndAsync(timeout.Token));

        // A connection keeps the byte limit it was accepted with (none here).
        await openedBefore.SendAllAsync(payload, timeout.Token);
        Assert.Equal(payload, await openedBefore.ReceiveExactlyAsync(payload.Length, timeout.Token));
        openedBefore.Shutdown(SocketShutdown.Send);
        Assert.Empty(await openedBefore.ReceiveToEndAsync(timeout.Token));
        Assert.Equal("client_closed", await app.CloseReasonOfAsync(openedBefore));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("\"many\"")]
    public async Task InvalidChange_IsRejectedNamingTheSetting_AndTheOldLimitStaysEnforced(string invalid)
    {
        using var timeout = TestTimeout.Start();
        using var settings = await SettingsFile.CreateAsync("""{ "Echo": { "MaxConnectionsPerIp": 1 } }""", timeout.Token);
        var app = await StartAppAsync(app => app.WithJsonSettings(settings.Path).ExpectLog("SettingChangeRejected"));
        using var first = await app.ConnectAndEchoAsync(timeout.Token, s_client);

        await settings.RejectAsync(app, $$"""{ "Echo": { "MaxConnectionsPerIp": {{invalid}} } }""", "Echo:MaxConnectionsPerIp");

        // Still 1: had the edit been taken (-1) or fallen back to the default (100), this one would be echoed.
        using var refused = await app.ConnectEchoAsync(timeout.Token, s_client);
        await app.AssertClosedWithoutEchoAsync(refused, "per_ip_limit", timeout.Token);

        // The next valid edit is measured from the value kept, and taken.
        await settings.ChangeAsync(app, """{ "Echo": { "MaxConnectionsPerIp": 2 } }""", "Echo:MaxConnectionsPerIp 1 -> 2");
        using var second = await app.ConnectAndEchoAsync(timeout.Token, s_client);
        await first.AssertHolaMundoEchoedAsync(timeout.Token);
    }

    [Fact]
    public async Task SettingsReadAtStart_AreLoggedAsTakingEffectAtRestart_AndNotApplied()
    {
        using var timeout = TestTimeout.Start();
        using var settings = await SettingsFile.CreateAsync("""{ "Echo": { } }""", timeout.Token);
        var app = await StartAppAsync(app => app.WithJsonSettings(settings.Path));
        var newPort = FreePort.OnLoopback();

        await settings.ChangeAsync(
            app,
            $$"""{ "Echo": { "Port": {{newPort}}, "DrainTimeout": "00:00:30", "ProxyProtocol": "Optional", "TrustedProxies": [ "127.0.0.1" ] } }""",
            $"Echo:Port 0 -> {newPort} (takes effect at restart)",
            "Echo:DrainTimeout 00:00:00 -> 00:00:30 (takes effect at restart)",
            "Echo:ProxyProtocol Off -> Optional (takes effect at restart)",
            "Echo:TrustedProxies [] -> [127.0.0.1] (takes effect at restart)");

        // The echo endpoint stays where it started; nothing listens on the new port.
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, newPort), timeout.Token).AsTask());
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        // No PROXY protocol yet: a header from the now listed proxy is plain data, echoed back.
        using var client = await app.ConnectAndEchoAsync(timeout.Token);
        var header = ProxyHeaders.V1("PROXY TCP4 192.0.2.7 127.0.0.1 40000 9999\r\n");
        await client.SendAllAsync(header, timeout.Token);
        Assert.Equal(header, await client.ReceiveExactlyAsync(header.Length, timeout.Token));

        // No drain yet either: the stop closes the open client at once, as the drain timeout of 0 it started with says.
        // (The app is gone after the stop: its log tells.)
        await app.StopAsync(timeout.Token);
        Assert.Empty(app.Logs.WithEvent("DrainStarted").Select(static entry => entry.Message));
        Assert.Empty(await client.ReceiveToEndAsync(timeout.Token));
        Assert.Contains(app.Logs.WithEvent("ConnectionClosed"), entry => entry.Message.Contains($" from {client.LocalEndPoint} closed: server_shutdown ", StringComparison.Ordinal));
    }
}
