using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Admin;

/// <summary>With <c>Admin:ApiKey</c> set, the admin endpoints want it as a bearer token, even from loopback.</summary>
public sealed class ApiKeyTests() : ConfiguredAppTest(("Admin:ApiKey", Key))
{
    private const string Key = "kestrel-echo-test-key-6f1c2d";
    private const string WrongToken = "not-the-key-but-as-long-6f1c";

    [Fact]
    public async Task NoAuthorization_Is401_WithBearerChallengeAndProblemJson()
    {
        using var http = App.CreateClient();

        using var response = await http.GetAsync("/connections", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Contains("Admin:ApiKey", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Key, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer", WrongToken)]
    [InlineData("Basic", Key)]
    public async Task WrongCredentials_Are401(string scheme, string token)
    {
        using var http = App.CreateClient();

        using var response = await GetConnectionsAsync(http, new AuthenticationHeaderValue(scheme, token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task RightKey_Is200_WithTheList()
    {
        using var http = App.CreateClient();

        using var response = await GetConnectionsAsync(http, new AuthenticationHeaderValue("Bearer", Key));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(0, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task RightKey_AnyHostHeader_Is200()
    {
        using var http = ClientWithTheKey();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connections") { Headers = { Host = "rebind.evil.example" } };

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task EveryPathUnderConnections_IsBehindTheKey()
    {
        using var http = App.CreateClient();

        using var withQuery = await http.GetAsync("/connections?limit=1", TestContext.Current.CancellationToken);
        using var trailingSlash = await http.GetAsync("/connections/", TestContext.Current.CancellationToken);
        using var otherCase = await http.GetAsync("/CONNECTIONS", TestContext.Current.CancellationToken);
        using var deleteMatching = await http.DeleteAsync("/connections?ip=127.0.0.1", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, withQuery.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, trailingSlash.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, otherCase.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, deleteMatching.StatusCode);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/metrics")]
    public async Task HealthAndMetrics_StayOpen_WithoutTheKey(string path)
    {
        using var http = App.CreateClient();

        using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task NeitherTheKeyNorAPresentedToken_IsEverLogged()
    {
        using var http = App.CreateClient();

        using (await GetConnectionsAsync(http, new AuthenticationHeaderValue("Bearer", WrongToken)))
        using (await GetConnectionsAsync(http, new AuthenticationHeaderValue("Bearer", Key)))
        {
        }

        // The refusal was logged, so the capture works; what it says must not help anyone guess.
        var refusal = Assert.Single(App.Logs.WithEvent("AdminUnauthorized"));
        Assert.Contains("/connections", refusal.Message, StringComparison.Ordinal);
        Assert.All(App.Logs.All, entry =>
        {
            Assert.DoesNotContain(Key, entry.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(WrongToken, entry.ToString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Delete_WithTheKey_Is202_AndClosesTheClientAsAdminClosed()
    {
        using var timeout = TestTimeout.Start();
        using var admin = ClientWithTheKey();

        await App.AssertDeleteAsync(admin, admin, HttpStatusCode.Accepted, timeout.Token);
    }

    [Fact]
    public async Task Delete_WithoutTheKey_Is401_AndTheConnectionStaysOpenAndEchoing()
    {
        using var timeout = TestTimeout.Start();
        using var admin = ClientWithTheKey();
        using var http = App.CreateClient();

        await App.AssertDeleteAsync(admin, http, HttpStatusCode.Unauthorized, timeout.Token);
    }

    private HttpClient ClientWithTheKey()
    {
        var http = App.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return http;
    }

    private static Task<HttpResponseMessage> GetConnectionsAsync(HttpClient http, AuthenticationHeaderValue authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connections") { Headers = { Authorization = authorization } };
        return http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
