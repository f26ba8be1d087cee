using System.Net;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Admin;

/// <summary>
/// With forwarded headers on (ASPNETCORE_FORWARDEDHEADERS_ENABLED, here its configuration key), the host rewrites
/// the request's remote address from X-Forwarded-For, whoever sent it. The admin rule ignores that and looks at
/// the TCP peer: behind a reverse proxy on loopback every caller is loopback, whatever address the proxy forwards.
/// That is why such a deployment must set a key (docs/operations.md). The remote caller that claims loopback is
/// refused end to end in the deploy tests' RemoteAdminAccessTests.
/// </summary>
public sealed class ForwardedHeadersTests() : ConfiguredAppTest(("FORWARDEDHEADERS_ENABLED", "true"))
{
    [Fact]
    public async Task LoopbackPeer_ForwardingForARemoteClient_IsLoopback_Is200()
    {
        using var http = App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connections") { Headers = { { "X-Forwarded-For", "198.18.0.2" } } };

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(App.Logs.WithEvent("AdminForbidden"));
    }
}
