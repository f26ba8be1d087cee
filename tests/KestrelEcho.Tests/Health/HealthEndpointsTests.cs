using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Health;

public sealed class HealthEndpointsTests(EchoAppFactory app) : EchoAppTest<EchoAppFactory>(app)
{
    [Theory]
    [InlineData("/health", new[] { "self", "echo_listener", "history" })]
    [InlineData("/health/live", new[] { "self" })]
    [InlineData("/health/ready", new[] { "echo_listener" })]
    public async Task HealthyService_Answers200WithEachCheckInJson(string path, string[] checks)
    {
        using var http = App.CreateClient();

        using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var reported = body.GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal(checks, reported.Select(static check => check.GetProperty("name").GetString()));
        Assert.All(reported, static check => Assert.Equal("Healthy", check.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Readiness_NamesTheBoundEchoPort()
    {
        using var http = App.CreateClient();

        var body = await http.GetFromJsonAsync<JsonElement>("/health/ready", TestContext.Current.CancellationToken);

        var description = body.GetProperty("checks")[0].GetProperty("description").GetString();
        Assert.Contains($":{App.EchoEndPoint.Port}", description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "/health")]
    [InlineData("DELETE", "/health/ready")]
    [InlineData("PUT", "/metrics")]
    [InlineData("POST", "/connections")]
    public async Task WrongMethod_Is405(string method, string path)
    {
        using var http = App.CreateClient();

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task UnknownPath_Is404()
    {
        using var http = App.CreateClient();

        using var response = await http.GetAsync("/nothing-here", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
