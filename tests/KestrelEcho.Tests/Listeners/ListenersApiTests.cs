using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Listeners;

/// <summary><c>GET</c> and <c>PUT /listeners</c>, <c>POST /connections/{id}/reset</c>, and the listener every connection is counted under.</summary>
public sealed class ListenersApiTests(ImpairedListenersAppFactory app) : EchoAppTest<ImpairedListenersAppFactory>(app)
{
    [Fact]
    public async Task Get_ListsTheBuiltInEchoAndEveryEnabledNamedListener_WithBoundPortsModesAndImpairments()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();

        var listed = await http.GetJsonAsync("/listeners", timeout.Token);
        var names = listed.GetProperty("listeners").EnumerateArray().Select(static listener => listener.GetProperty("name").GetString()).ToList();

        Assert.Equal("echo", names[0]);
        Assert.DoesNotContain("off", names);
        Assert.DoesNotContain("echo_tls", names);
        var echo = await http.ListenerAsync("echo", timeout.Token);
        Assert.Equal(App.EchoEndPoint.Port, echo.GetProperty("port").GetInt32());
        Assert.True(echo.GetProperty("builtIn").GetBoolean());
        var delay = await http.ListenerAsync("delay", timeout.Token);
        Assert.Equal(App.ListenerEndPoint("delay").Port, delay.GetProperty("port").GetInt32());
        Assert.Equal("Echo", delay.GetProperty("mode").GetString());
        Assert.False(delay.GetProperty("tls").GetBoolean());
        Assert.Equal("00:00:00.3000000", delay.GetProperty("impairments").GetProperty("delay").GetString());
        Assert.Equal("Discard", (await http.ListenerAsync("discard", timeout.Token)).GetProperty("mode").GetString());
    }

    [Fact]
    public async Task Get_CountsEachListenersConnectionsApart()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        var before = (await http.ListenerAsync("plain", timeout.Token)).GetProperty("counters");

        using (var socket = await App.ConnectListenerAsync("plain", timeout.Token))
        {
            await socket.AssertHolaMundoEchoedAsync(timeout.Token);
            var live = (await http.ListenerAsync("plain", timeout.Token)).GetProperty("counters");
            Assert.Equal(1, live.GetProperty("active").GetInt64());
            socket.Shutdown(SocketShutdown.Send);
            Assert.Empty(await socket.ReceiveToEndAsync(timeout.Token));
            Assert.Equal("client_closed", await App.CloseReasonOfAsync(socket));
        }

        var after = (await http.ListenerAsync("plain", timeout.Token)).GetProperty("counters");
        Assert.Equal(0, after.GetProperty("active").GetInt64());
        Assert.Equal(1, after.GetProperty("accepted").GetInt64() - before.GetProperty("accepted").GetInt64());
        Assert.Equal(1, after.GetProperty("closedByReason").GetProperty("client_closed").GetInt64() - ClientClosed(before));
        Assert.Equal("hola mundo"u8.Length, after.GetProperty("bytesSent").GetInt64() - before.GetProperty("bytesSent").GetInt64());
    }

    [Fact]
    public async Task Put_ChangesTheDelayOfAnOpenConnection()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        using var socket = await App.ConnectListenerAsync("adjustable", timeout.Token);
        await socket.AssertHolaMundoEchoedAsync(timeout.Token);
        var longer = TimeSpan.FromMilliseconds(600);

        using var put = await http.PutAsync("/listeners/adjustable", Json("""{"delay":"00:00:00.600"}"""), timeout.Token);
        try
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            var sent = Stopwatch.GetTimestamp();
            await socket.SendAllAsync("hola"u8.ToArray(), timeout.Token);
            Assert.Equal("hola"u8.ToArray(), await socket.ReceiveExactlyAsync(4, timeout.Token));
            Assert.True(Stopwatch.GetElapsedTime(sent) >= longer, $"echoed after {Stopwatch.GetElapsedTime(sent)}");
        }
        finally
        {
            using var restore = await http.PutAsync("/listeners/adjustable", Json("""{"delay":"00:00:00.010"}"""), timeout.Token);
        }
    }

    [Theory]
    [InlineData("""{"delay":200}""", "delay")]
    [InlineData("""{"jitter":"00:00:01"}""", "jitter")]
    [InlineData("""{"chunkSize":-1}""", "chunkSize")]
    [InlineData("""{"resetOnAcceptProbability":1.5}""", "resetOnAcceptProbability")]
    [InlineData("""{"delayMs":200}""", "delayMs")]
    public async Task Put_BadBody_Is400_NamingTheField(string body, string field)
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();

        using var response = await http.PutAsync("/listeners/adjustable", Json(body), timeout.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal("00:00:00.0100000", (await http.ListenerAsync("adjustable", timeout.Token)).GetProperty("impairments").GetProperty("delay").GetString());
    }

    [Theory]
    [InlineData("nosuch", HttpStatusCode.NotFound)]
    [InlineData("echo", HttpStatusCode.Conflict)]
    public async Task Put_UnknownOrBuiltInListener_IsRefused(string name, HttpStatusCode expected)
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();

        using var response = await http.PutAsync($"/listeners/{name}", Json("""{"delay":"00:00:01"}"""), timeout.Token);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task PostReset_OnThePlainEcho_GivesTheClientConnectionReset_AndReasonAdminReset()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        using var socket = await App.ConnectEchoAsync(timeout.Token);
        await socket.AssertHolaMundoEchoedAsync(timeout.Token);
        var id = await http.LiveConnectionIdAsync(socket, timeout.Token);

        using var response = await http.PostAsync($"/connections/{id}/reset", content: null, timeout.Token);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var (received, error) = await socket.ReceiveUntilErrorAsync(timeout.Token);
        Assert.Empty(received);
        Assert.Equal(SocketError.ConnectionReset, error);
        Assert.Equal(id, await http.ClosedConnectionIdAsync(socket, timeout.Token));
        var recent = await http.GetJsonAsync("/connections/recent", timeout.Token);
        var closed = recent.GetProperty("connections").EnumerateArray().Single(connection => connection.GetProperty("id").GetString() == id);
        Assert.Equal("admin_reset", closed.GetProperty("closeReason").GetString());
        Assert.Equal("echo", closed.GetProperty("listener").GetString());
    }

    [Fact]
    public async Task PostReset_UnknownConnection_Is404()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();

        using var response = await http.PostAsync("/connections/nosuch/reset", content: null, timeout.Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Connections_ShowTheListener_AndFilterByIt()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        using var plain = await App.ConnectEchoAsync(timeout.Token);
        using var named = await App.ConnectListenerAsync("plain", timeout.Token);
        await plain.AssertHolaMundoEchoedAsync(timeout.Token);
        await named.AssertHolaMundoEchoedAsync(timeout.Token);
        await http.LiveConnectionIdAsync(named, timeout.Token);

        var listed = await http.GetJsonAsync("/connections?listener=plain", timeout.Token);

        var only = Assert.Single(listed.GetProperty("connections").EnumerateArray());
        Assert.Equal(((IPEndPoint)named.LocalEndPoint!).Port, only.GetProperty("remotePort").GetInt32());
        Assert.Equal("plain", only.GetProperty("listener").GetString());
    }

    [Fact]
    public async Task Metrics_CarryTheListener_ThePlainEchoAsEcho()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        using (var socket = await App.ConnectEchoAsync(timeout.Token))
        {
            await socket.AssertHolaMundoEchoedAsync(timeout.Token);
        }

        using (var socket = await App.ConnectListenerAsync("plain", timeout.Token))
        {
            await socket.AssertHolaMundoEchoedAsync(timeout.Token);
        }

        string metrics = "";
        await Poll.UntilAsync(
            async () =>
            {
                metrics = await http.GetStringAsync("/metrics", timeout.Token);
                return PrometheusText.Sum(metrics, "kestrel_echo_sent_bytes_total", "kestrel_echo_listener=\"plain\"") > 0
                    && PrometheusText.Sum(metrics, "kestrel_echo_sent_bytes_total", "kestrel_echo_listener=\"echo\"", "kestrel_echo_transport=\"tcp\"") > 0;
            },
            TimeSpan.FromSeconds(10),
            () => $"sent bytes under listener=\"echo\" and listener=\"plain\" in:\n{metrics}");
        Assert.Equal(0, PrometheusText.Sum(metrics, "kestrel_echo_connections_closed_total", "kestrel_echo_listener=\"discard\"", "kestrel_echo_close_reason=\"injected_reset\""));
    }

    private static long ClientClosed(JsonElement counters) =>
        counters.GetProperty("closedByReason").TryGetProperty("client_closed", out var count) ? count.GetInt64() : 0;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
