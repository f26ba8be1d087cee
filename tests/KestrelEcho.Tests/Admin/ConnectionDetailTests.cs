using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Admin;

public sealed class ConnectionDetailTests(EchoAppFactory app) : EchoAppTest<EchoAppFactory>(app)
{
    [Fact]
    public async Task OneConnection_ShowsItsTimeline_LiveThenClosed()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        using var socket = await App.ConnectEchoAsync(timeout.Token);
        await socket.AssertHolaMundoEchoedAsync(timeout.Token);
        var id = await http.LiveConnectionIdAsync(socket, timeout.Token);

        var live = await http.GetFromJsonAsync<JsonElement>($"/connections/{id}", timeout.Token);
        Assert.Equal("open", live.GetProperty("state").GetString());
        Assert.Equal(["accepted", "first_byte_received"], Events(live));

        socket.Shutdown(SocketShutdown.Send);
        Assert.Empty(await socket.ReceiveToEndAsync(timeout.Token));
        Assert.Equal("client_closed", await App.CloseReasonOfAsync(socket));

        var closed = await http.GetFromJsonAsync<JsonElement>($"/connections/{id}", timeout.Token);
        Assert.Equal("closed", closed.GetProperty("state").GetString());
        Assert.Equal("client_closed", closed.GetProperty("closeReason").GetString());
        Assert.Equal(["accepted", "first_byte_received", "client_half_closed", "server_closing", "closed"], Events(closed));
        var times = closed.GetProperty("timeline").EnumerateArray().Select(static e => e.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Equal("client_closed", closed.GetProperty("timeline")[4].GetProperty("reason").GetString());

        // The close line and /connections show one duration, not two clock readings apart.
        var closeLine = Assert.Single(App.Logs.WithEvent("ConnectionClosed"), entry => entry.Message.StartsWith($"Connection {id} ", StringComparison.Ordinal));
        var loggedMs = double.Parse(Regex.Match(closeLine.Message, @"after (\d+\.\d) ms").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(Math.Round(closed.GetProperty("durationSeconds").GetDouble() * 1000, 1), loggedMs, 0.051);
    }

    [Fact]
    public async Task Recent_ListsClosedConnectionsNewestFirst_WithReasonsAndCounts()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        var ports = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            using var socket = await App.ConnectEchoAsync(timeout.Token);
            ports.Add(((IPEndPoint)socket.LocalEndPoint!).Port);
            await socket.SendAllAsync(new byte[i + 1], timeout.Token);
            await socket.ReceiveExactlyAsync(i + 1, timeout.Token);
            socket.Shutdown(SocketShutdown.Send);
            await socket.ReceiveToEndAsync(timeout.Token);
            await App.CloseReasonOfAsync(socket);
        }

        var recent = await http.GetFromJsonAsync<JsonElement>("/connections/recent?limit=3", timeout.Token);

        Assert.Equal(1000, recent.GetProperty("capacity").GetInt32());
        var listed = recent.GetProperty("connections").EnumerateArray().ToList();
        Assert.Equal(ports.AsEnumerable().Reverse(), listed.Select(static c => c.GetProperty("remotePort").GetInt32()));
        Assert.Equal([3L, 2L, 1L], listed.Select(static c => c.GetProperty("bytesReceived").GetInt64()));
        Assert.All(listed, static c => Assert.Equal("client_closed", c.GetProperty("closeReason").GetString()));
    }

    [Fact]
    public async Task Delete_ClosesTheClient_AsAdminClosed()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();

        await App.AssertDeleteAsync(http, http, HttpStatusCode.Accepted, timeout.Token);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task UnknownId_Is404(string method)
    {
        using var http = App.CreateClient();

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/connections/NO-SUCH-ID"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static List<string?> Events(JsonElement connection) =>
        [.. connection.GetProperty("timeline").EnumerateArray().Select(static e => e.GetProperty("event").GetString())];
}
