using System.Net;
using System.Net.Sockets;
using KestrelEcho.Testing;
using KestrelEcho.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelEcho.Tests.Transport;

/// <summary>The echo contract on the epoll transport (<c>Echo:Transport</c> = <c>Epoll</c>), explicitly.</summary>
public sealed class EpollTransportTests(EpollEchoAppFactory app) : EchoAppTest<EpollEchoAppFactory>(app)
{
    [Fact]
    public void EchoEndpoint_IsBoundByTheEpollTransport_HttpStaysOnSockets()
    {
        var bound = App.Services.GetRequiredService<EpollTransportFactory>().BoundEndPoints.Cast<IPEndPoint>().ToList();

        Assert.Contains(bound, endPoint => endPoint.Port == App.EchoEndPoint.Port);
        Assert.DoesNotContain(bound, endPoint => endPoint.Port == App.HttpEndPoint.Port);
    }

    [Fact]
    public async Task LargeRandomPayload_IsEchoedExactly()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectEchoAsync(timeout.Token);
        // Far more than the socket buffers and the 64 KiB input bound: the read pauses and resumes many times.
        var payload = Payload.Random(8 * 1024 * 1024, seed: 14);

        var sending = socket.SendAllAsync(payload, timeout.Token);
        var echoed = await socket.ReceiveExactlyAsync(payload.Length, timeout.Token);
        await sending;

        Assert.True(payload.AsSpan().SequenceEqual(echoed), "the echo differs from what was sent");
    }

    [Fact]
    public async Task ClientHalfCloses_TheTailIsEchoed_ThenTheServerSendsFin()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectEchoAsync(timeout.Token);
        var payload = Payload.Random(1024 * 1024 + 17, seed: 15);

        await socket.SendAllAsync(payload, timeout.Token);
        socket.Shutdown(SocketShutdown.Send);

        // Ends with the server's FIN (a reset would throw): everything sent before our FIN comes back first.
        var echoed = await socket.ReceiveToEndAsync(timeout.Token);
        Assert.True(payload.AsSpan().SequenceEqual(echoed), $"echoed {echoed.Length} of {payload.Length} bytes before the FIN, or different bytes");
    }

    [Fact]
    public async Task ClientResets_ClosesAsClientReset_AndLeavesTheRegistry()
    {
        using var timeout = TestTimeout.Start();
        var socket = await App.ConnectEchoAsync(timeout.Token);
        await socket.AssertHolaMundoEchoedAsync(timeout.Token);
        var client = (IPEndPoint)socket.LocalEndPoint!;
        await Poll.UntilAsync(() => App.Registry.Active == 1, TimeSpan.FromSeconds(10), "the connection in the registry");

        socket.Reset();

        // A reset, not taken for a FIN; the leak check after each test also asserts that Kestrel and the registry
        // agree that it closed.
        Assert.Equal("client_reset", await App.CloseReasonOfAsync(client));
        await Poll.UntilAsync(() => App.Registry.Active == 0, TimeSpan.FromSeconds(10), "the reset connection to leave the registry");
    }

    [Fact]
    public async Task Connections_ShowsTheClientsEndPoint()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectEchoAsync(timeout.Token);
        await socket.AssertHolaMundoEchoedAsync(timeout.Token);
        using var http = App.CreateClient();

        var id = await http.LiveConnectionIdAsync(socket, timeout.Token);

        var listed = (await http.GetJsonAsync("/connections", timeout.Token)).GetProperty("connections").EnumerateArray()
            .Single(connection => connection.GetProperty("id").GetString() == id);
        var client = (IPEndPoint)socket.LocalEndPoint!;
        Assert.Equal(client.Address.ToString(), listed.GetProperty("remoteAddress").GetString());
        Assert.Equal(client.Port, listed.GetProperty("remotePort").GetInt32());
    }
}
