using System.Net;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Admin;

/// <summary>
/// Without a key, loopback callers get in. The test host can only call from loopback (127.0.0.2 is loopback
/// too); the refusal of other callers is covered by <see cref="AdminAccessRuleTests"/>, and end to end, from a
/// network namespace, by the deploy tests' RemoteAdminAccessTests.
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
}
