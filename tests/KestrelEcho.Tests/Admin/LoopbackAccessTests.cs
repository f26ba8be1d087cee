using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Admin;

/// <summary>
/// Without a key, loopback callers get in, under a Host header that names loopback. The test host can only call
/// from loopback (127.0.0.2 is loopback too); the refusal of other callers is covered by
/// <see cref="AdminAccessRuleTests"/>, and end to end, from a network namespace, by the deploy tests'
/// RemoteAdminAccessTests.
/// </summary>
public sealed class LoopbackAccessTests(EchoAppFactory app) : EchoAppTest<EchoAppFactory>(app)
{
    [Fact]
    public async Task NoKey_LoopbackCaller_Is200()
    {
        using var http = App.CreateClient();

        using var response = await http.GetAsync("/connections", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(App.Logs.WithEvent("AdminForbidden"));
    }

    [Fact]
    public async Task NoKey_AnyAuthorizationHeader_IsIgnored()
    {
        using var http = App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connections") { Headers = { Authorization = new("Bearer", "anything") } };

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:{0}")]
    [InlineData("127.0.0.1:{0}")]
    [InlineData("[::1]:{0}")]
    public async Task NoKey_LoopbackHostHeader_Is200(string host)
    {
        using var response = await GetConnectionsWithHostAsync(string.Format(CultureInfo.InvariantCulture, host, App.HttpEndPoint.Port));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// What a web page gets after rebinding its own name to 127.0.0.1: the browser still sends that name.
    /// </summary>
    [Theory]
    [InlineData("rebind.evil.example")]
    [InlineData("rebind.evil.example:{0}")]
    [InlineData("localhost.evil.example:{0}")]
    public async Task NoKey_RebindingHostHeader_Is403_WithProblemJson(string host)
    {
        var hostHeader = string.Format(CultureInfo.InvariantCulture, host, App.HttpEndPoint.Port);

        using var response = await GetConnectionsWithHostAsync(hostHeader);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(403, problem.GetProperty("status").GetInt32());
        Assert.Contains("Admin:AllowedHosts", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\"connections\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains(App.Logs.WithEvent("AdminHostNotAllowed"), entry => entry.Message.Contains($"Host {hostHeader.Split(':')[0]} ", StringComparison.Ordinal));
    }

    /// <summary>HTTP/1.0 may omit Host; a browser never does, so such a request cannot come from a rebinding page.</summary>
    [Fact]
    public async Task NoKey_Http10WithoutHostHeader_Is200()
    {
        using var timeout = TestTimeout.Start();
        using var client = await TcpClients.ConnectAsync(App.HttpEndPoint, timeout.Token);

        await client.SendAllAsync("GET /connections HTTP/1.0\r\n\r\n"u8.ToArray(), timeout.Token);
        var response = Encoding.ASCII.GetString(await client.ReceiveToEndAsync(timeout.Token));

        Assert.StartsWith("HTTP/1.1 200 ", response, StringComparison.Ordinal);
        Assert.Contains("\"connections\"", response, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> GetConnectionsWithHostAsync(string host)
    {
        using var http = App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connections") { Headers = { Host = host } };
        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
