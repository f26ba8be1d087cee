using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Admin;

/// <summary>GET and DELETE <c>/connections</c> with a query, over real echo clients from several loopback addresses.</summary>
public sealed class ConnectionQueryEndpointTests(EchoAppFactory app) : EchoAppTest<EchoAppFactory>(app)
{
    private static readonly IPAddress s_quiet = IPAddress.Parse("127.0.0.51");
    private static readonly IPAddress s_busy = IPAddress.Parse("127.0.0.52");
    private static readonly IPAddress s_other = IPAddress.Parse("127.0.0.61");

    [Fact]
    public async Task Get_FiltersByAddressOrNetwork_SortsAndPages_AndCountsMatched()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        var clients = await ConnectAsync([s_quiet, s_busy, s_busy, s_other], timeout.Token);
        try
        {
            await clients[2].AssertHolaMundoEchoedAsync(timeout.Token);

            var byAddress = await http.GetJsonAsync("/connections?ip=127.0.0.52", timeout.Token);
            Assert.Equal(4, byAddress.GetProperty("total").GetInt32());
            Assert.Equal(2, byAddress.GetProperty("matched").GetInt32());
            Assert.Equal([Port(clients[1]), Port(clients[2])], Ports(byAddress));

            var busiestOfTheNetwork = await http.GetJsonAsync("/connections?ip=127.0.0.48/29&sort=bytesIn&limit=1", timeout.Token);
            Assert.Equal(3, busiestOfTheNetwork.GetProperty("matched").GetInt32());
            var busiest = Assert.Single(busiestOfTheNetwork.GetProperty("connections").EnumerateArray());
            Assert.Equal(Port(clients[2]), busiest.GetProperty("remotePort").GetInt32());
            Assert.Equal("tcp", busiest.GetProperty("transport").GetString());
            Assert.Equal(10, busiest.GetProperty("bytesReceived").GetInt64());

            var secondPage = await http.GetJsonAsync("/connections?sort=remote&order=desc&offset=1&limit=2&transport=tcp&state=echo&proxied=false&minIdle=0", timeout.Token);
            Assert.Equal(1, secondPage.GetProperty("offset").GetInt32());
            Assert.Equal(4, secondPage.GetProperty("matched").GetInt32());
            Assert.Equal(new[] { Port(clients[1]), Port(clients[2]) }.OrderDescending(), Ports(secondPage));
            Assert.Empty(Ports(await http.GetJsonAsync("/connections?transport=tls", timeout.Token)));
            Assert.Empty(Ports(await http.GetJsonAsync("/connections?minIdle=3600", timeout.Token)));
        }
        finally
        {
            clients.ForEach(static client => client.Dispose());
        }
    }

    [Fact]
    public async Task Delete_ClosesOnlyTheMatchingClients_AsAdminClosed_AndCountsThem()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        var clients = await ConnectAsync([s_quiet, s_quiet, s_other], timeout.Token);
        try
        {
            using var response = await http.DeleteAsync("/connections?ip=127.0.0.51&minAge=0", timeout.Token);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2, (await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token)).GetProperty("closed").GetInt32());
            Assert.Equal("admin_closed", await App.CloseReasonOfAsync(clients[0]));
            Assert.Equal("admin_closed", await App.CloseReasonOfAsync(clients[1]));
            Assert.Empty(await clients[0].ReceiveToEndAsync(timeout.Token));
            await clients[2].AssertHolaMundoEchoedAsync(timeout.Token);
            Assert.Equal(1, (await http.GetJsonAsync("/connections", timeout.Token)).GetProperty("total").GetInt32());
        }
        finally
        {
            clients.ForEach(static client => client.Dispose());
        }
    }

    [Fact]
    public async Task Delete_MatchingNothing_ClosesNothing()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        var clients = await ConnectAsync([s_quiet], timeout.Token);
        try
        {
            using var response = await http.DeleteAsync("/connections?minIdle=3600", timeout.Token);

            Assert.Equal(0, (await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token)).GetProperty("closed").GetInt32());
            await clients[0].AssertHolaMundoEchoedAsync(timeout.Token);
        }
        finally
        {
            clients.ForEach(static client => client.Dispose());
        }
    }

    [Theory]
    [InlineData("GET", "/connections?sort=size", "sort")]
    [InlineData("GET", "/connections?order=up", "order")]
    [InlineData("GET", "/connections?offset=-1", "offset")]
    [InlineData("GET", "/connections?limit=abc", "limit")]
    [InlineData("GET", "/connections?ip=127.0.0.300", "ip")]
    [InlineData("GET", "/connections?ip=10.0.0.0/33", "ip")]
    [InlineData("GET", "/connections?state=open", "state")]
    [InlineData("GET", "/connections?minIdle=00:01:00", "minIdle")]
    [InlineData("GET", "/connections?minIdle=NaN", "minIdle")]
    [InlineData("GET", "/connections?proxied=yes", "proxied")]
    [InlineData("GET", "/connections?transport=quic", "transport")]
    [InlineData("GET", "/connections?limit=1&limit=2", "limit")]
    [InlineData("GET", "/connections?colour=red", "colour")]
    [InlineData("DELETE", "/connections", "filter")]
    [InlineData("DELETE", "/connections?sort=age", "sort")]
    [InlineData("DELETE", "/connections?minAge=-1", "minAge")]
    [InlineData("DELETE", "/connections?ip=127.0.0.51&minIdel=60", "minIdel")]
    public async Task BadParameter_Is400ProblemJson_NamingIt(string method, string path, string parameter)
    {
        using var http = App.CreateClient();

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal([parameter], problem.GetProperty("errors").EnumerateObject().Select(static error => error.Name));
    }

    private async Task<List<Socket>> ConnectAsync(IPAddress[] sources, CancellationToken cancellationToken)
    {
        var clients = new List<Socket>();
        foreach (var source in sources)
        {
            clients.Add(await App.ConnectEchoAsync(cancellationToken, source));
            await Poll.UntilAsync(() => App.Registry.Active == clients.Count, TimeSpan.FromSeconds(10), "the client to be registered");
        }

        return clients;
    }

    private static int Port(Socket client) => ((IPEndPoint)client.LocalEndPoint!).Port;

    private static List<int> Ports(JsonElement list) =>
        [.. list.GetProperty("connections").EnumerateArray().Select(static connection => connection.GetProperty("remotePort").GetInt32())];
}
