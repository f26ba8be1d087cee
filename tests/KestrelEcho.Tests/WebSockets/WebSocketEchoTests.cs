using System.Net;
using System.Net.WebSockets;
using System.Text;
using KestrelEcho.Connections;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.WebSockets;

/// <summary>The WebSocket echo on the HTTP endpoint: messages, frames, the close handshake, pings, and its session.</summary>
public sealed class WebSocketEchoTests(EchoAppFactory app) : EchoAppTest<EchoAppFactory>(app)
{
    [Fact]
    public async Task TextAndBinaryMessages_ComeBackExactly_WithTheirType()
    {
        using var timeout = TestTimeout.Start();
        using var client = await App.ConnectEchoWebSocketAsync(timeout.Token);
        var text = Encoding.UTF8.GetBytes("Hola mundo, ñandú 🦤");
        byte[] binary = [0x00, 0xFF, 0xC3, 0x28, 0x0A, 0x00];

        var textEcho = await client.EchoAsync(text, WebSocketMessageType.Text, timeout.Token);
        var binaryEcho = await client.EchoAsync(binary, WebSocketMessageType.Binary, timeout.Token);
        var emptyEcho = await client.EchoAsync(Array.Empty<byte>(), WebSocketMessageType.Binary, timeout.Token);

        AssertMessage(WebSocketMessageType.Text, text, textEcho);
        AssertMessage(WebSocketMessageType.Binary, binary, binaryEcho);
        AssertMessage(WebSocketMessageType.Binary, [], emptyEcho);
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
    }

    [Fact]
    public async Task FragmentedMessages_ComeBackFrameByFrame_KeepingTypeAndBoundaries()
    {
        using var timeout = TestTimeout.Start();
        using var client = await RawWebSocket.ConnectAsync(App.HttpEndPoint, "/ws/echo", timeout.Token);

        // A text message in three frames, then a binary one in two: what comes back is the same frames, in order.
        await client.SendFrameAsync(RawWebSocket.Text, "uno "u8, fin: false, timeout.Token);
        await client.SendFrameAsync(RawWebSocket.Continuation, "dos "u8, fin: false, timeout.Token);
        await client.SendFrameAsync(RawWebSocket.Continuation, "tres"u8, fin: true, timeout.Token);
        await client.SendFrameAsync(RawWebSocket.Binary, [1, 2], fin: false, timeout.Token);
        await client.SendFrameAsync(RawWebSocket.Continuation, [3], fin: true, timeout.Token);

        var frames = new List<(bool Fin, byte Opcode, string Payload)>();
        for (var i = 0; i < 5; i++)
        {
            var (fin, opcode, payload) = await client.ReceiveFrameAsync(timeout.Token);
            frames.Add((fin, opcode, Convert.ToHexString(payload)));
        }

        Assert.Equal(
            [
                (false, RawWebSocket.Text, Convert.ToHexString("uno "u8)),
                (false, RawWebSocket.Continuation, Convert.ToHexString("dos "u8)),
                (true, RawWebSocket.Continuation, Convert.ToHexString("tres"u8)),
                (false, RawWebSocket.Binary, "0102"),
                (true, RawWebSocket.Continuation, "03"),
            ],
            frames);
        client.Socket.Reset();
    }

    [Fact]
    public async Task FragmentedMessages_FromClientWebSocket_ComeBackAsTheSameMessages()
    {
        using var timeout = TestTimeout.Start();
        using var client = await App.ConnectEchoWebSocketAsync(timeout.Token);

        await client.SendAsync("Hola "u8.ToArray(), WebSocketMessageType.Text, endOfMessage: false, timeout.Token);
        await client.SendAsync("mundo"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        await client.SendAsync(new byte[] { 7 }, WebSocketMessageType.Binary, endOfMessage: false, timeout.Token);
        await client.SendAsync(new byte[] { 8, 9 }, WebSocketMessageType.Binary, endOfMessage: true, timeout.Token);

        AssertMessage(WebSocketMessageType.Text, "Hola mundo"u8.ToArray(), await client.ReceiveMessageAsync(timeout.Token));
        AssertMessage(WebSocketMessageType.Binary, [7, 8, 9], await client.ReceiveMessageAsync(timeout.Token));
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
    }

    [Fact]
    public async Task SixteenMiBMessage_ComesBackExactly_AndCountsAsPayloadBytes()
    {
        using var timeout = TestTimeout.Start(60);
        var message = new byte[16 * 1024 * 1024];
        Random.Shared.NextBytes(message);
        using var client = await App.ConnectEchoWebSocketAsync(timeout.Token);

        // Sent and read at once: the service echoes frame by frame, so it never holds the whole message.
        var send = client.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, timeout.Token);
        var echo = await client.ReceiveMessageAsync(timeout.Token);
        await send;
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);

        Assert.Equal(WebSocketMessageType.Binary, echo.Type);
        Assert.True(message.AsSpan().SequenceEqual(echo.Message), "the 16 MiB echo differs from what was sent");
        var session = App.ClosedSessions().First(static session => session.Transport == ConnectionTransport.WebSocket);
        Assert.Equal(message.Length, session.BytesReceived);
        Assert.Equal(message.Length, session.BytesSent);
    }

    [Fact]
    public async Task ClientClose_IsAnsweredWithItsOwnStatus_AndClosesAsClientClosed()
    {
        using var timeout = TestTimeout.Start();
        using var client = await App.ConnectEchoWebSocketAsync(timeout.Token);
        await client.EchoAsync("antes"u8.ToArray(), WebSocketMessageType.Text, timeout.Token);
        var id = await LiveWebSocketIdAsync(timeout.Token);

        await client.CloseAsync((WebSocketCloseStatus)4321, "hasta luego", timeout.Token);

        Assert.Equal(WebSocketState.Closed, client.State);
        Assert.Equal((WebSocketCloseStatus)4321, client.CloseStatus);
        Assert.Equal("hasta luego", client.CloseStatusDescription);
        Assert.Equal("client_closed", await App.CloseReasonOfAsync(id));
    }

    [Fact]
    public async Task ClientAbort_ClosesAsClientReset()
    {
        using var timeout = TestTimeout.Start();
        using var client = await RawWebSocket.ConnectAsync(App.HttpEndPoint, "/ws/echo", timeout.Token);
        await client.SendFrameAsync(RawWebSocket.Text, "hola"u8, fin: true, timeout.Token);
        await client.ReceiveFrameAsync(timeout.Token);
        var id = await LiveWebSocketIdAsync(timeout.Token);

        client.Socket.Reset();

        Assert.Equal("client_reset", await App.CloseReasonOfAsync(id));
    }

    [Fact]
    public async Task PingFromTheClient_IsAnsweredWithAPong_CarryingItsPayload()
    {
        using var timeout = TestTimeout.Start();
        using var client = await RawWebSocket.ConnectAsync(App.HttpEndPoint, "/ws/echo", timeout.Token);

        await client.SendFrameAsync(RawWebSocket.Ping, "¿estás?"u8, fin: true, timeout.Token);

        var (fin, opcode, payload) = await client.ReceiveFrameAsync(timeout.Token);
        Assert.True(fin);
        Assert.Equal(RawWebSocket.Pong, opcode);
        Assert.Equal("¿estás?"u8.ToArray(), payload);

        // A pong is not data: nothing was echoed or counted.
        var id = await LiveWebSocketIdAsync(timeout.Token);
        Assert.True(App.Registry.TryGetLive(id, out var session));
        Assert.Equal(0, session.BytesReceived);
        client.Socket.Reset();
    }

    [Fact]
    public async Task Connections_ListTheSessionAsWebSocket_WithTheClientsEndpoints_AndFilterByTransport()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        using var tcp = await App.ConnectEchoAsync(timeout.Token);
        using var client = await RawWebSocket.ConnectAsync(App.HttpEndPoint, "/ws/echo", timeout.Token);
        await client.SendFrameAsync(RawWebSocket.Binary, "12345"u8, fin: true, timeout.Token);
        await client.ReceiveFrameAsync(timeout.Token);
        await Poll.UntilAsync(() => App.Registry.Active == 2, TimeSpan.FromSeconds(10), "both connections to be live");

        var webSockets = (await http.GetJsonAsync("/connections?transport=websocket", timeout.Token)).GetProperty("connections");
        var tcps = (await http.GetJsonAsync("/connections?transport=tcp", timeout.Token)).GetProperty("connections");

        var listed = Assert.Single(webSockets.EnumerateArray());
        Assert.Equal("websocket", listed.GetProperty("transport").GetString());
        Assert.Equal("echo", listed.GetProperty("stage").GetString());
        Assert.Equal("127.0.0.1", listed.GetProperty("remoteAddress").GetString());
        Assert.Equal(((IPEndPoint)client.Socket.LocalEndPoint!).Port, listed.GetProperty("remotePort").GetInt32());
        Assert.Equal(App.HttpEndPoint.ToString(), listed.GetProperty("localEndPoint").GetString());
        Assert.Equal(5, listed.GetProperty("bytesReceived").GetInt64());
        Assert.Equal(5, listed.GetProperty("bytesSent").GetInt64());
        Assert.Equal("tcp", Assert.Single(tcps.EnumerateArray()).GetProperty("transport").GetString());
        client.Socket.Reset();
    }

    [Fact]
    public async Task AdminDelete_SendsAPolicyClose_AndClosesAsAdminClosed()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        using var client = await App.ConnectEchoWebSocketAsync(timeout.Token);
        var id = await LiveWebSocketIdAsync(timeout.Token);

        using var response = await http.DeleteAsync($"/connections/{id}", timeout.Token);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var (type, _) = await client.ReceiveMessageAsync(timeout.Token);
        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
        Assert.Equal("admin_closed", client.CloseStatusDescription);
        await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        Assert.Equal("admin_closed", await App.CloseReasonOfAsync(id));
    }

    [Fact]
    public async Task Metrics_CountTheSessionAndItsPayload_UnderTheWebSocketTransport()
    {
        using var timeout = TestTimeout.Start();
        using var meter = new EchoMeterRecorder(App);
        using var client = await App.ConnectEchoWebSocketAsync(timeout.Token);

        await client.EchoAsync("123456789"u8.ToArray(), WebSocketMessageType.Text, timeout.Token);
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        await Poll.UntilAsync(() => meter.OnTransport("kestrel_echo.connections.closed", "websocket") == 1, TimeSpan.FromSeconds(10), "the session's close on the meter");

        Assert.Equal(1, meter.OnTransport("kestrel_echo.connections.opened", "websocket"));
        Assert.Equal(9, meter.OnTransport("kestrel_echo.received", "websocket"));
        Assert.Equal(9, meter.OnTransport("kestrel_echo.sent", "websocket"));
        Assert.Equal(0, meter.OnTransport("kestrel_echo.connections.opened", "tcp"));
        Assert.Equal(0, meter.OnTransport("kestrel_echo.received", "tcp"));
        Assert.Equal(1, meter.ClosedAs("client_closed"));
    }

    [Theory]
    [InlineData("GET /ws/echo HTTP/1.1\r\nHost: localhost\r\n\r\n", 426)]
    [InlineData("GET /ws/echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n", 426)]
    [InlineData("GET /ws/echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n", 400)]
    [InlineData("GET /ws/echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n", 400)]
    [InlineData("POST /ws/echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n", 405)]
    public async Task BadUpgrade_IsAClientError_AndNoSession(string request, int expected)
    {
        var opened = App.Registry.Opened;

        var status = await RawHttp.SendAsync(App.HttpEndPoint, request, TestContext.Current.CancellationToken);

        Assert.Equal(expected, status);
        Assert.Equal(opened, App.Registry.Opened);
    }

    [Fact]
    public async Task PlainGet_GetsProblemDetails_NamingTheUpgrade()
    {
        using var http = App.CreateClient();

        using var response = await http.GetAsync("/ws/echo", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("websocket", response.Headers.Upgrade.ToString());
        Assert.Contains("WebSocket", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private static void AssertMessage(WebSocketMessageType type, byte[] message, (WebSocketMessageType Type, byte[] Message) received)
    {
        Assert.Equal(type, received.Type);
        Assert.Equal(message, received.Message);
    }

    /// <summary>The id of the one live WebSocket session, once <c>/connections?transport=websocket</c> lists it.</summary>
    private async Task<string> LiveWebSocketIdAsync(CancellationToken cancellationToken)
    {
        using var http = App.CreateClient();
        string? id = null;
        await Poll.UntilAsync(
            async () =>
            {
                var listed = (await http.GetJsonAsync("/connections?transport=websocket", cancellationToken)).GetProperty("connections");
                id = listed.GetArrayLength() == 1 ? listed[0].GetProperty("id").GetString() : null;
                return id is not null;
            },
            TimeSpan.FromSeconds(10),
            "the WebSocket session in /connections");
        return id!;
    }
}
