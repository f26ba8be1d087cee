using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.History;

/// <summary>What <c>/connections/history</c> and its summary refuse, and who may ask.</summary>
public sealed class HistoryRequestTests : FreshAppTest
{
    [Theory]
    [InlineData("/connections/history?since=yesterday&until=2026-13-01&ip=300.1.1.1&reason=bored&transport=udp&refused=maybe&limit=-1&cursor=zz&format=xml&bogus=1",
        new[] { "bogus", "cursor", "format", "ip", "limit", "reason", "refused", "since", "transport", "until" })]
    [InlineData("/connections/history?limit=10001", new[] { "limit" })]
    [InlineData("/connections/history?limit=1&limit=2", new[] { "limit" })]
    [InlineData("/connections/history/summary?bucket=0", new[] { "bucket" })]
    [InlineData("/connections/history/summary?since=2026-01-01T00:00:00Z&until=2026-12-31T00:00:00Z&bucket=60", new[] { "bucket" })]
    [InlineData("/connections/history/summary?since=2026-12-01T10:00:00Z&until=2026-12-01T09:00:00Z", new[] { "since" })]
    [InlineData("/connections/history/summary?bucket=x&ip=10.0.0.1", new[] { "bucket", "ip" })]
    public async Task BadParameters_Answer400_NamingEachOne(string path, string[] parameters)
    {
        var app = await StartAppAsync();
        using var http = app.CreateClient();

        using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(parameters, problem.GetProperty("errors").EnumerateObject().Select(static error => error.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CsvWithALimitAboveAPage_IsAllowed()
    {
        var app = await StartAppAsync();
        using var http = app.CreateClient();

        using var response = await http.GetAsync("/connections/history?format=csv&limit=50000", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("id,stage,", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/connections/history")]
    [InlineData("/connections/history/summary")]
    public async Task History_FollowsTheAdminAccessRule(string path)
    {
        const string Key = "history-test-key-0123456789";
        var app = await StartAppAsync(("Admin:ApiKey", Key));
        using var http = app.CreateClient();

        using var refused = await http.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", Key);
        using var allowed = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }
}
