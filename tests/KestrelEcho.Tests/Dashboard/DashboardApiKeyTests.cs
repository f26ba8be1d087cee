using System.Net;
using System.Net.Http.Headers;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Dashboard;

/// <summary>
/// With <c>Admin:ApiKey</c> set, the page (no data) loads for anyone, so it can ask for the key; its data, the live
/// feed included, wants the key.
/// </summary>
public sealed class DashboardApiKeyTests() : ConfiguredAppTest(("Admin:ApiKey", Key))
{
    private const string Key = "kestrel-echo-dashboard-key-41c7";

    [Theory]
    [InlineData("localhost")]
    [InlineData("attacker.example")]
    public async Task Page_LoadsWithoutTheKey(string host)
    {
        using var http = App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = host;

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task LiveFeed_WithoutTheKey_Is401()
    {
        using var http = App.CreateClient();

        using var response = await http.GetAsync("/connections/events", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task LiveFeed_WithTheKey_Streams()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        using var feed = await LiveFeedReader.OpenAsync(http, "/connections/events", timeout.Token);

        var tick = await feed.NextTickAsync(timeout.Token);

        Assert.NotNull(tick);
        Assert.Equal(0, tick.Value.GetProperty("live").GetInt32());
    }
}
