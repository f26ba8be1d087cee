using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Admin;

/// <summary>With <c>Admin:Port</c> set, the admin endpoints answer on that port only.</summary>
public sealed class AdminPortTests() : ConfiguredAppTest(("Admin:Port", "0"))
{
    [Fact]
    public async Task Connections_OnTheAdminPort_Is200()
    {
        using var admin = App.CreateAdminClient();

        using var response = await admin.GetAsync("/connections", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(0, list.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("GET", "/connections")]
    [InlineData("GET", "/connections?limit=1")]
    [InlineData("GET", "/CONNECTIONS")]
    [InlineData("GET", "/connections/recent")]
    [InlineData("POST", "/connections")]
    [InlineData("DELETE", "/connections/some-id")]
    [InlineData("DELETE", "/connections?ip=127.0.0.1")]
    public async Task Connections_OnTheHttpPort_Is404(string method, string path)
    {
        using var http = App.CreateClient();

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Delete_OnTheAdminPort_Is202_AndClosesTheClientAsAdminClosed()
    {
        using var timeout = TestTimeout.Start();
        using var admin = App.CreateAdminClient();

        await App.AssertDeleteAsync(admin, admin, HttpStatusCode.Accepted, timeout.Token);
    }

    [Fact]
    public async Task Delete_OnTheHttpPort_Is404_AndTheConnectionStaysOpenAndEchoing()
    {
        using var timeout = TestTimeout.Start();
        using var admin = App.CreateAdminClient();
        using var http = App.CreateClient();

        await App.AssertDeleteAsync(admin, http, HttpStatusCode.NotFound, timeout.Token);
    }

    [Fact]
    public async Task HostHeaderNamingTheAdminPort_DoesNotOpenItOnTheHttpPort()
    {
        using var http = App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connections");
        request.Headers.Host = $"127.0.0.1:{App.AdminEndPoint.Port}";

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Health_StaysOnTheHttpPort()
    {
        using var http = App.CreateClient();

        using var response = await http.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void AdminEndpoint_IsAnnounced_OnLoopbackByDefault()
    {
        var line = Assert.Single(App.Logs.WithEvent("AdminListening"));

        Assert.Equal(IPAddress.Loopback, App.AdminEndPoint.Address);
        Assert.NotEqual(App.HttpEndPoint.Port, App.AdminEndPoint.Port);
        Assert.Equal($"Admin endpoint listening on http://{App.AdminEndPoint}", line.Message);
    }
}
