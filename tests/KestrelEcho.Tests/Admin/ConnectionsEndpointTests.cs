using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Admin;

public sealed class ConnectionsEndpointTests(EchoAppFactory app) : EchoAppTest<EchoAppFactory>(app)
{
    [Fact]
    public async Task ConnectedClient_IsListedWithItsExactRemotePort_AndDroppedAfterItCloses()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        var socket = await App.ConnectEchoAsync(timeout.Token);
        var clientPort = ((IPEndPoint)socket.LocalEndPoint!).Port;
        await socket.AssertHolaMundoEchoedAsync(timeout.Token);

        var listed = await GetConnectionsAsync(http, "/connections", timeout.Token);
        var connection = Assert.Single(listed.GetProperty("connections").EnumerateArray());
        Assert.Equal(1, listed.GetProperty("total").GetInt32());
        Assert.Equal("127.0.0.1", connection.GetProperty("remoteAddress").GetString());
        Assert.Equal(clientPort, connection.GetProperty("remotePort").GetInt32());
        Assert.Equal(App.EchoEndPoint.ToString(), connection.GetProperty("localEndPoint").GetString());
        Assert.Equal(10, connection.GetProperty("bytesReceived").GetInt64());
        Assert.Equal(10, connection.GetProperty("bytesSent").GetInt64());
        Assert.False(string.IsNullOrEmpty(connection.GetProperty("id").GetString()));
        var connectedAt = connection.GetProperty("connectedAt").GetDateTimeOffset();
        Assert.Equal(TimeSpan.Zero, connectedAt.Offset);
        Assert.InRange(connection.GetProperty("lastActivityAt").GetDateTimeOffset(), connectedAt, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.True(connection.GetProperty("ageSeconds").GetDouble() >= 0);

        socket.Dispose();

        await Poll.UntilAsync(
            async () => (await GetConnectionsAsync(http, "/connections", timeout.Token)).GetProperty("total").GetInt32() == 0,
            TimeSpan.FromSeconds(10),
            "the closed client to leave /connections");
    }

    [Fact]
    public async Task Limit_ListsTheOldestConnections_AndTotalCountsAll()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        var sockets = new List<System.Net.Sockets.Socket>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                var socket = await App.ConnectEchoAsync(timeout.Token);
                sockets.Add(socket);
                await Poll.UntilAsync(() => App.Registry.Active == sockets.Count, TimeSpan.FromSeconds(10), "the client to be registered");
            }

            var listed = await GetConnectionsAsync(http, "/connections?limit=2", timeout.Token);

            Assert.Equal(5, listed.GetProperty("total").GetInt32());
            Assert.Equal(2, listed.GetProperty("limit").GetInt32());
            var ports = listed.GetProperty("connections").EnumerateArray().Select(static c => c.GetProperty("remotePort").GetInt32());
            var oldestTwo = sockets.Take(2).Select(static s => ((IPEndPoint)s.LocalEndPoint!).Port);
            Assert.Equal(oldestTwo, ports);
        }
        finally
        {
            sockets.ForEach(static socket => socket.Dispose());
        }
    }

    [Fact]
    public async Task DefaultLimit_IsOneThousand()
    {
        using var http = App.CreateClient();

        var listed = await GetConnectionsAsync(http, "/connections", TestContext.Current.CancellationToken);

        Assert.Equal(1000, listed.GetProperty("limit").GetInt32());
    }

    [Theory]
    [InlineData("/connections?limit=-1")]
    [InlineData("/connections?limit=abc")]
    [InlineData("/connections?limit=99999999999999999999")]
    public async Task InvalidLimit_Is400(string path)
    {
        using var http = App.CreateClient();

        using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static async Task<JsonElement> GetConnectionsAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore, "client addresses must not be cached");
        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
    }
}
