using System.Net;
using System.Net.WebSockets;
using KestrelEcho.Connections;
using KestrelEcho.Net;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelEcho.Tests.WebSockets;

/// <summary>The echo's limits, the sweeper and the drain hold for WebSocket sessions as for TCP connections.</summary>
public sealed class WebSocketLimitTests : FreshAppTest
{
    [Fact]
    public async Task OverTheGlobalLimit_TheUpgradeIs503WithRetryAfter_CountedRefusedAsConnectionLimit()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:MaxConnections", "1"), ("Echo:MaxConnectionsPerIp", "0"));
        using var meter = new EchoMeterRecorder(app);
        using var held = await app.ConnectEchoWebSocketAsync(timeout.Token);
        await held.EchoAsync("uno"u8.ToArray(), WebSocketMessageType.Text, timeout.Token);

        var (status, retryAfter) = await RefusedUpgradeAsync(app.EchoWebSocketUri, timeout.Token);
        using var tcp = await app.ConnectEchoAsync(timeout.Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("5", retryAfter);
        Assert.Empty(await tcp.ReceiveUntilClosedAsync(timeout.Token));
        await Poll.UntilAsync(() => meter.ClosedAs("connection_limit") == 2, TimeSpan.FromSeconds(10), "both refusals counted");
        Assert.Equal(1, meter.OnTransport("kestrel_echo.connections.closed", "websocket"));
        await AssertRefusedAsync(app, "connection_limit", timeout.Token);
        await held.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
    }

    [Fact]
    public async Task OverThePerClientLimit_TheUpgradeIs429_CountingTcpConnectionsOfTheSameClientToo()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:MaxConnectionsPerIp", "1"));
        using var tcp = await app.ConnectEchoAsync(timeout.Token);
        await tcp.AssertHolaMundoEchoedAsync(timeout.Token);

        var (status, _) = await RefusedUpgradeAsync(app.EchoWebSocketUri, timeout.Token);

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        await AssertRefusedAsync(app, "per_ip_limit", timeout.Token);

        // The slot frees when the TCP client leaves, and is the WebSocket's then.
        tcp.Dispose();
        await Poll.UntilAsync(() => app.Registry.Active == 0, TimeSpan.FromSeconds(10), "the TCP client to leave");
        using var client = await app.ConnectEchoWebSocketAsync(timeout.Token);
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
    }

    [Fact]
    public async Task WithForwardedHeaders_TheSessionsClientIsTheSocketPeer_SoXForwardedForCannotDodgeThePerClientLimit()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("FORWARDEDHEADERS_ENABLED", "true"), ("Echo:MaxConnectionsPerIp", "1"));
        using var first = await app.ConnectEchoWebSocketAsync(timeout.Token, static options => options.SetRequestHeader("X-Forwarded-For", "198.18.0.2"));
        await first.EchoAsync("uno"u8.ToArray(), WebSocketMessageType.Text, timeout.Token);

        using var second = new ClientWebSocket();
        second.Options.CollectHttpResponseDetails = true;
        second.Options.SetRequestHeader("X-Forwarded-For", "198.18.0.3");
        await Assert.ThrowsAsync<WebSocketException>(() => second.ConnectAsync(app.EchoWebSocketUri, timeout.Token));

        Assert.Equal(HttpStatusCode.TooManyRequests, second.HttpStatusCode);
        Assert.True(app.Registry.Snapshot() is [{ RemoteEndPoint.Address: var address }] && address.Equals(IPAddress.Loopback), "the live session's client should be the socket's peer, 127.0.0.1");
        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
    }

    [Fact]
    public async Task IdleSession_GetsAPolicyClose_AndClosesAsIdleTimeout()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:IdleTimeout", "00:00:01"));
        using var client = await app.ConnectEchoWebSocketAsync(timeout.Token);

        var (type, _) = await client.ReceiveMessageAsync(timeout.Token);

        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
        Assert.Equal("idle_timeout", client.CloseStatusDescription);
        await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        Assert.Equal("idle_timeout", (await app.ClosedWebSocketSessionAsync()).CloseReason!.Value.ToName());
    }

    [Fact]
    public async Task AtTheByteLimit_TheEchoStopsThere_ThenAPolicyClose_AsByteLimit()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:MaxBytesPerConnection", "10"));
        using var client = await app.ConnectEchoWebSocketAsync(timeout.Token);

        await client.SendAsync("0123456789abcde"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        var (type, echoed) = await client.ReceiveMessageAsync(timeout.Token);

        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal("0123456789"u8.ToArray(), echoed);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
        Assert.Equal("byte_limit", client.CloseStatusDescription);
        await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        Assert.Equal("byte_limit", (await app.ClosedWebSocketSessionAsync()).CloseReason!.Value.ToName());
    }

    [Fact]
    public async Task AServiceCloseLeftUnanswered_IsDroppedAfterTheCloseTimeout_KeepingItsReason()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:IdleTimeout", "00:00:01"));
        using var client = await RawWebSocket.ConnectAsync(app.HttpEndPoint, "/ws/echo", timeout.Token);

        var (_, opcode, payload) = await client.ReceiveFrameAsync(timeout.Token);

        Assert.Equal(RawWebSocket.Close, opcode);
        Assert.Equal("idle_timeout", System.Text.Encoding.UTF8.GetString(payload.AsSpan(2)));
        Assert.Empty(await client.Socket.ReceiveUntilClosedAsync(timeout.Token));
        Assert.Equal("idle_timeout", (await app.ClosedWebSocketSessionAsync()).CloseReason!.Value.ToName());
    }

    [Fact]
    public async Task Stopping_DrainsOpenSessions_AndRefusesNewUpgradesWith503()
    {
        using var timeout = TestTimeout.Start(60);
        var app = await StartAppAsync(("Echo:DrainTimeout", "00:00:15"));
        using var http = app.CreateIndependentClient();
        using var client = await app.ConnectEchoWebSocketAsync(timeout.Token);
        await Poll.UntilAsync(() => app.Registry.Active == 1, TimeSpan.FromSeconds(10), "the session registered");

        var stopping = app.StopAsync(timeout.Token);
        await Poll.UntilAsync(
            async () => (await http.GetAsync("/health/ready", timeout.Token)).StatusCode == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(15),
            "readiness to turn 503 when the drain starts");

        var (status, retryAfter) = await RefusedUpgradeAsync(app.EchoWebSocketUri, timeout.Token);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("5", retryAfter);

        // The open session is still echoed while it drains, and leaves cleanly.
        var echo = await client.EchoAsync("sigo aquí"u8.ToArray(), WebSocketMessageType.Text, timeout.Token);
        Assert.Equal("sigo aquí"u8.ToArray(), echo.Message);
        Assert.False(stopping.IsCompleted, "the stop should wait for the open session");
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        await stopping.WaitAsync(TimeSpan.FromSeconds(20), timeout.Token);

        Assert.Contains(app.ClosedSessions(), static session => session is { CloseReason: CloseReason.ServerShutdown, WasRefused: true, Transport: ConnectionTransport.WebSocket });
        Assert.Contains(app.ClosedSessions(), static session => session is { CloseReason: CloseReason.ClientClosed, Transport: ConnectionTransport.WebSocket });
    }

    [Fact]
    public async Task AtTheEndOfTheDrain_AnOpenSessionGetsGoingAway_AndClosesAsServerShutdown()
    {
        using var timeout = TestTimeout.Start(60);
        var app = await StartAppAsync();
        using var client = await app.ConnectEchoWebSocketAsync(timeout.Token);
        await client.EchoAsync("hola"u8.ToArray(), WebSocketMessageType.Text, timeout.Token);

        var stopping = app.StopAsync(timeout.Token);
        var (type, _) = await client.ReceiveMessageAsync(timeout.Token);

        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus);
        Assert.Equal("server_shutdown", client.CloseStatusDescription);
        await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        await stopping.WaitAsync(TimeSpan.FromSeconds(20), timeout.Token);
        Assert.Equal("server_shutdown", (await app.ClosedWebSocketSessionAsync()).CloseReason!.Value.ToName());
    }

    [Fact]
    public async Task Disabled_ThePathIsNotServed()
    {
        var app = await StartAppAsync(("EchoWebSocket:Enabled", "false"));
        using var http = app.CreateClient();

        using var response = await http.GetAsync("/ws/echo", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task OnItsOwnPort_TheEchoIsServed_AndNothingElse()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("EchoWebSocket:Port", "0"), ("EchoWebSocket:Address", "127.0.0.1"), ("EchoWebSocket:Path", "/eco"));
        var own = app.Services.GetRequiredService<ListenEndpoints>().EchoWebSocketEndPoint!;
        using var onOwnPort = new HttpClient { BaseAddress = new Uri($"http://{own}") };

        using var client = await WebSocketClients.ConnectAsync(new Uri($"ws://{own}/eco"), timeout.Token);
        var echo = await client.EchoAsync("por aquí"u8.ToArray(), WebSocketMessageType.Text, timeout.Token);
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);

        Assert.Equal("por aquí"u8.ToArray(), echo.Message);
        Assert.Equal(HttpStatusCode.NotFound, (await onOwnPort.GetAsync("/health", timeout.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await onOwnPort.GetAsync("/connections", timeout.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.UpgradeRequired, (await onOwnPort.GetAsync("/eco", timeout.Token)).StatusCode);
        Assert.Contains(app.Logs.WithEvent("WebSocketEchoListening"), entry => entry.Message.EndsWith($"ws://{own}/eco", StringComparison.Ordinal));
    }

    /// <summary>Tries an upgrade that the service must refuse; returns the status and Retry-After it answered.</summary>
    private static async Task<(HttpStatusCode Status, string? RetryAfter)> RefusedUpgradeAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var client = new ClientWebSocket();
        client.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(uri, cancellationToken));
        var retryAfter = client.HttpResponseHeaders?.TryGetValue("Retry-After", out var values) == true ? values.Single() : null;
        return (client.HttpStatusCode, retryAfter);
    }

    /// <summary>
    /// The refused session reaches /connections/recent?kind=refused as a WebSocket, with the reason. Polled: the
    /// refusal's answer goes out before the session is closed and recorded.
    /// </summary>
    private static async Task AssertRefusedAsync(EchoAppFactory app, string reason, CancellationToken cancellationToken)
    {
        using var http = app.CreateClient();
        await Poll.UntilAsync(
            async () =>
            {
                var refused = (await http.GetJsonAsync("/connections/recent?kind=refused", cancellationToken)).GetProperty("connections");
                return refused.EnumerateArray().Any(connection =>
                    connection.GetProperty("transport").GetString() == "websocket" && connection.GetProperty("closeReason").GetString() == reason);
            },
            TimeSpan.FromSeconds(10),
            $"a refused WebSocket session closed as {reason} in /connections/recent?kind=refused");
    }
}
