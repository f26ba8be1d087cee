using System.Net;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Admin;

/// <summary>Without a key, <c>Admin:AllowedHosts</c> names the Host headers allowed besides loopback.</summary>
public sealed class AllowedHostsTests() : ConfiguredAppTest(("Admin:AllowedHosts:0", AllowedHost))
{
    private const string AllowedHost = "echo-ops.internal";

    [Theory]
    [InlineData(AllowedHost + ":8080", HttpStatusCode.OK)]
    [InlineData("ECHO-OPS.internal", HttpStatusCode.OK)]
    [InlineData("localhost:8080", HttpStatusCode.OK)]
    [InlineData("other.internal:8080", HttpStatusCode.Forbidden)]
    public async Task HostHeader_IsAllowed_OnlyIfLoopbackOrListed(string host, HttpStatusCode expected)
    {
        using var http = App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connections") { Headers = { Host = host } };

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
    }
}
