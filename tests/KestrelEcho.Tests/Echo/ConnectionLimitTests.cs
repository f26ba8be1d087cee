using System.Net;
using System.Net.Sockets;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Echo;

/// <summary>Each limit is enforced in the echo path, visible as a close reason, and leaves others served.</summary>
public sealed class ConnectionLimitTests : FreshAppTest
{
    [Fact]
    public async Task OverTheGlobalLimit_IsClosedAtOnce_AsConnectionLimit_WhileOthersAndHttpAreServed()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:MaxConnections", "3"), ("Echo:MaxConnectionsPerIp", "0"));
        var admitted = new List<Socket>();
        for (var i = 0; i < 3; i++)
        {
            admitted.Add(await ConnectAndEchoAsync(app, timeout.Token));
        }

        using var refused = await app.ConnectEchoAsync(timeout.Token);

        Assert.Empty(await refused.ReceiveToEndAsync(timeout.Token));
        Assert.Equal("connection_limit", await app.CloseReasonOfAsync(refused));
        using var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health", timeout.Token)).StatusCode);

        admitted[0].Dispose();
        await Poll.UntilAsync(() => app.Registry.Active == 2, TimeSpan.FromSeconds(10), "a slot to free up");
        admitted[0] = await ConnectAndEchoAsync(app, timeout.Token);

        admitted.ForEach(static socket => socket.Dispose());
        await app.AssertNoLeaksAsync();
    }

    [Fact]
    public async Task OverThePerAddressLimit_IsRefusedAsPerIpLimit_WhileOtherAddressesAreServed()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:MaxConnectionsPerIp", "2"));
        var first = IPAddress.Parse("127.0.0.1");
        using var one = await ConnectAndEchoAsync(app, timeout.Token, first);
        using var two = await ConnectAndEchoAsync(app, timeout.Token, first);

        using var third = await app.ConnectEchoAsync(timeout.Token, first);

        Assert.Empty(await third.ReceiveToEndAsync(timeout.Token));
        Assert.Equal("per_ip_limit", await app.CloseReasonOfAsync(third));
        using var otherAddress = await ConnectAndEchoAsync(app, timeout.Token, IPAddress.Parse("127.0.0.2"));
    }

    [Fact]
    public async Task IdleClient_IsClosedAfterTheIdleTimeout()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:IdleTimeout", "00:00:01"));
        using var idle = await ConnectAndEchoAsync(app, timeout.Token);

        Assert.Empty(await idle.ReceiveToEndAsync(timeout.Token));

        Assert.Equal("idle_timeout", await app.CloseReasonOfAsync(idle));
    }

    [Fact]
    public async Task BusyClient_IsClosedAtTheMaximumLifetime()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:MaxLifetime", "00:00:01"));
        using var busy = await ConnectAndEchoAsync(app, timeout.Token);

        // It keeps talking; the lifetime limit ends it anyway (with FIN, or RST when a ping is in flight).
        var buffer = new byte[64];
        try
        {
            do
            {
                await busy.SendAllAsync("ping"u8.ToArray(), timeout.Token);
            }
            while (await busy.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0);
        }
        catch (SocketException)
        {
        }

        Assert.Equal("lifetime_exceeded", await app.CloseReasonOfAsync(busy));
    }

    [Fact]
    public async Task ByteLimit_EchoesExactlyTheLimit_ThenCloses()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:MaxBytesPerConnection", "1000"));
        using var socket = await app.ConnectEchoAsync(timeout.Token);
        var payload = Payload.Random(1000, seed: 15);

        await socket.SendAllAsync(payload, timeout.Token);
        var echoed = await socket.ReceiveToEndAsync(timeout.Token);

        Assert.Equal(payload, echoed);
        Assert.Equal("byte_limit", await app.CloseReasonOfAsync(socket));
    }

    [Fact]
    public async Task ChangedSettingsFile_AppliesToNewConnections_AndIsLogged()
    {
        using var timeout = TestTimeout.Start();
        var settingsFile = Path.Combine(Path.GetTempPath(), $"kestrel-echo-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(settingsFile, """{ "Echo": { "MaxConnections": 10 } }""", timeout.Token);
        try
        {
            var app = await StartAppAsync(app => app.WithJsonSettings(settingsFile).ExpectLog("SettingChangeRejected"));
            using var first = await ConnectAndEchoAsync(app, timeout.Token);

            await File.WriteAllTextAsync(settingsFile, """{ "Echo": { "MaxConnections": 1 } }""", timeout.Token);
            await Poll.UntilAsync(
                () => app.Logs.WithEvent("SettingChanged").Any(static entry => entry.Message.Contains("Echo:MaxConnections 10 -> 1", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(15),
                "the change to be logged");

            using var second = await app.ConnectEchoAsync(timeout.Token);
            Assert.Empty(await second.ReceiveToEndAsync(timeout.Token));
            Assert.Equal("connection_limit", await app.CloseReasonOfAsync(second));

            await File.WriteAllTextAsync(settingsFile, """{ "Echo": { "MaxConnections": -5 } }""", timeout.Token);
            await Poll.UntilAsync(
                () => app.Logs.WithEvent("SettingChangeRejected").Any(static entry => entry.Message.Contains("Echo:MaxConnections", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(15),
                "the invalid change to be rejected");
            using var third = await app.ConnectEchoAsync(timeout.Token);
            Assert.Empty(await third.ReceiveToEndAsync(timeout.Token));
            Assert.Equal("connection_limit", await app.CloseReasonOfAsync(third));
        }
        finally
        {
            File.Delete(settingsFile);
        }
    }

    private static async Task<Socket> ConnectAndEchoAsync(EchoAppFactory app, CancellationToken cancellationToken, IPAddress? source = null)
    {
        var socket = await app.ConnectEchoAsync(cancellationToken, source);
        await socket.AssertHolaMundoEchoedAsync(cancellationToken);
        return socket;
    }
}
