using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Dashboard;

/// <summary>
/// The page at <c>/</c> and its files, as HTTP sees them: what the browser may run, what it may keep, and that it
/// needs nothing from anywhere else. The page itself, in a browser, is tested by the deploy tests (Chromium).
/// </summary>
public sealed partial class DashboardPageTests(EchoAppFactory app) : EchoAppTest<EchoAppFactory>(app)
{
    private const string VendorScript = "/dashboard/vendor/uplot-1.6.32/uPlot.iife.min.js";

    [Fact]
    public async Task Root_IsThePage_UnderAPolicyWithoutInlineScript()
    {
        using var http = App.CreateClient();

        using var response = await http.GetAsync("/", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Empty(InlineScript().Matches(html));
        Assert.Empty(EventHandlerAttribute().Matches(html));
    }

    [Fact]
    public async Task EveryFileThePageLoads_IsServed_FromThisServiceOnly()
    {
        using var http = App.CreateClient();
        var html = await http.GetStringAsync("/", TestContext.Current.CancellationToken);
        var pending = new Queue<string>(LinkedPath().Matches(html).Select(static match => match.Groups["path"].Value));
        var served = new HashSet<string>(StringComparer.Ordinal);

        // Scripts import their siblings: follow them too.
        while (pending.TryDequeue(out var path))
        {
            if (!served.Add(path))
            {
                continue;
            }

            using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            var expectedType = path.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript" : "text/css";
            Assert.Equal(expectedType, response.Content.Headers.ContentType?.MediaType);
            if (!path.Contains("/vendor/", StringComparison.Ordinal))
            {
                Assert.DoesNotMatch(ExternalUrl(), text);
            }

            foreach (Match import in RelativeImport().Matches(text))
            {
                pending.Enqueue(new Uri(new Uri($"http://page{path}"), import.Groups["path"].Value).AbsolutePath);
            }
        }

        Assert.Contains(VendorScript, served);
        Assert.Contains("/dashboard/live.js", served);
    }

    [Fact]
    public async Task VendorFiles_AreKeptForAYear_OwnFilesAreRevalidated()
    {
        using var http = App.CreateClient();

        using var vendor = await http.GetAsync(VendorScript, TestContext.Current.CancellationToken);
        using var own = await http.GetAsync("/dashboard/dashboard.js", TestContext.Current.CancellationToken);
        using var page = await http.GetAsync("/", TestContext.Current.CancellationToken);

        Assert.Equal("public, max-age=31536000, immutable", vendor.Headers.CacheControl?.ToString());
        Assert.True(own.Headers.CacheControl?.NoCache, "our own scripts are revalidated");
        Assert.True(page.Headers.CacheControl?.NoCache, "the page is revalidated");
        Assert.Null(own.Headers.CacheControl?.MaxAge);
    }

    [Fact]
    public async Task SameVersion_Is304()
    {
        using var http = App.CreateClient();
        using var first = await http.GetAsync("/dashboard/dashboard.js", TestContext.Current.CancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/dashboard.js");
        request.Headers.IfNoneMatch.Add(Assert.IsType<EntityTagHeaderValue>(first.Headers.ETag));

        using var again = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Config_NamesTheHttpPortAndTheWebSocketEchoPath()
    {
        using var http = App.CreateClient();

        var config = await http.GetJsonAsync("/dashboard/config", TestContext.Current.CancellationToken);

        Assert.Equal(App.HttpEndPoint.Port, config.GetProperty("httpPort").GetInt32());
        Assert.Equal("/ws/echo", config.GetProperty("webSocketEchoPath").GetString());
    }

    /// <summary>Without a key, the page follows the API's network rule: a rebinding page's Host does not get it.</summary>
    [Theory]
    [InlineData("/")]
    [InlineData("/dashboard/dashboard.js")]
    [InlineData("/dashboard/config")]
    public async Task RebindingHost_Is403_AndNotCached(string path)
    {
        using var http = App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = "attacker.example";

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, "a refusal is never cached");
        var problem = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Contains("Admin:AllowedHosts", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerAttribute();

    [GeneratedRegex(@"(?:src|href)=""(?<path>/dashboard/[^""]+)""")]
    private static partial Regex LinkedPath();

    [GeneratedRegex(@"from '(?<path>\./[^']+)'")]
    private static partial Regex RelativeImport();

    [GeneratedRegex(@"https?://")]
    private static partial Regex ExternalUrl();
}
