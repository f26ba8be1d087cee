using System.Net;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Ops;

/// <summary>
/// Misuse of the HTTP endpoint is the client's fault: each request below gets a 4xx, never a 5xx, nothing is
/// logged above Information, and the service keeps answering.
/// </summary>
public sealed class MalformedRequestTests(EchoAppFactory app) : EchoAppTest<EchoAppFactory>(app)
{
    private static readonly Dictionary<string, string> s_requests = new()
    {
        ["garbage request line"] = "HELLO THERE\r\n\r\n",
        ["header without a colon"] = Get("/health", "NoColonHere"),
        ["header line of 64 KB"] = Get("/health", $"X-Filler: {new string('a', 64 * 1024)}"),
        ["101 headers"] = Get("/health", [.. Enumerable.Range(0, 101).Select(static i => $"X-H{i}: 1")]),
        ["request line of 100 KB"] = Get($"/health?{new string('a', 100 * 1024)}"),
        ["limit of 10,000 digits"] = Get($"/connections?limit={new string('9', 10_000)}"),
        ["limit of 7,000 digits"] = Get($"/connections?limit={new string('9', 7_000)}"),
        ["5,000 query parameters"] = Get($"/connections?{string.Join('&', Enumerable.Range(0, 5000).Select(static i => $"p{i}=1"))}"),
        ["path of 50 KB"] = Get($"/{new string('a', 50 * 1024)}"),
        ["invalid percent-encoding in the path"] = Get("/connections%ZZ"),
        ["truncated percent-encoding"] = Get("/health%"),
        ["percent-encoded NUL"] = Get("/health%00"),
        ["overlong UTF-8 dot-dot"] = Get("/%C0%AE%C0%AE/connections"),
        ["invalid percent-encoding in the query"] = Get("/connections?limit=%ZZ"),
        ["unsupported method"] = "BREW /health HTTP/1.1\r\nHost: localhost\r\n\r\n",
        ["method with invalid characters"] = "G(T /health HTTP/1.1\r\nHost: localhost\r\n\r\n",
        ["asterisk-form target on GET"] = "GET * HTTP/1.1\r\nHost: localhost\r\n\r\n",
        ["HTTP/1.1 without Host"] = "GET /health HTTP/1.1\r\n\r\n",
        ["two Host headers"] = Get("/health", "Host: other"),
        ["non-ASCII header bytes"] = Get("/connections", "Authorization: Bearer \u00ff\u00fe\u00e9"),
        ["Content-Length not a number"] = "POST /connections HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n",
    };

    public static TheoryData<string> Requests => [.. s_requests.Keys];

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task MalformedRequest_Is4xx_AndTheServiceKeepsAnswering(string name)
    {
        using var timeout = TestTimeout.Start();

        var status = await RawHttp.SendAsync(App.HttpEndPoint, s_requests[name], timeout.Token);

        Assert.InRange(status, 400, 499);
        using var http = App.CreateClient();
        using var health = await http.GetAsync("/health", timeout.Token);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static string Get(string target, params string[] headers) =>
        $"GET {target} HTTP/1.1\r\nHost: localhost\r\n{string.Concat(headers.Select(static h => h + "\r\n"))}\r\n";
}
