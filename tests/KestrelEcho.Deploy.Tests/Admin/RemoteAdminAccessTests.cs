using System.Globalization;
using System.Net;

namespace KestrelEcho.Deploy.Tests.Admin;

/// <summary>
/// The admin endpoints as a caller on another machine meets them, end to end: the real service and the caller in a
/// network namespace of their own, the caller's requests coming from a non-loopback address (198.18.0.0/15 is
/// reserved for such tests, RFC 2544). The in-process tests can only call from loopback; the decision itself is
/// unit-tested in AdminAccessRuleTests.
/// </summary>
[Requires(RequiresAttribute.Root)]
[Requires("iproute2")]
public sealed class RemoteAdminAccessTests
{
    private const string Key = "kestrel-echo-remote-test-key-93b1";
    private const string LocalhostHeader = "Host: localhost";

    private static readonly IPAddress s_serviceAddress = IPAddress.Parse("198.18.0.1");
    private static readonly IPAddress s_remoteCaller = IPAddress.Parse("198.18.0.2");

    [Fact]
    public async Task NoKey_RemoteCaller_Is403_ThoughHealthAnswersIt()
    {
        await using var network = await NetworkNamespace.CreateAsync(s_serviceAddress, s_remoteCaller);
        await using var service = ServiceProcess.StartUnder(network.ExecPrefix, "--Http:Address", s_serviceAddress.ToString());
        var http = await service.WaitForHttpEndPointAsync();

        // The request gets through: the refusal below is the admin rule's, not the network's.
        Assert.Equal(HttpStatusCode.OK, await GetAsync(network, s_remoteCaller, http, "/health"));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(network, s_remoteCaller, http, "/connections"));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(network, s_remoteCaller, http, "/connections/recent"));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(network, s_remoteCaller, http, "/"));
        await service.WaitForLineAsync($"Admin request /connections from {s_remoteCaller} refused: not loopback");

        // The same request to the same address from loopback gets in: only the caller's address differs. It names
        // localhost, as the service's own machine would: the Host check refuses the namespace's address.
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(network, s_remoteCaller, http, "/connections", LocalhostHeader));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(network, IPAddress.Loopback, http, "/connections", LocalhostHeader));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(network, IPAddress.Loopback, http, "/connections"));
        await service.WaitForLineAsync($"Admin request /connections from 127.0.0.1 refused: Host {s_serviceAddress} is neither loopback nor in Admin:AllowedHosts");
    }

    /// <summary>
    /// ASPNETCORE_FORWARDEDHEADERS_ENABLED makes the host believe X-Forwarded-For from any peer. The admin rule
    /// looks at the TCP peer only: a remote caller claiming 127.0.0.1 stays remote, and a loopback peer forwarding
    /// for a remote client (a reverse proxy on the same machine) is loopback, which is why such a deployment
    /// must set a key.
    /// </summary>
    [Fact]
    public async Task ForwardedHeadersOn_RemoteCallerClaimingLoopback_Is403_AndALoopbackProxysCallerIsLoopback()
    {
        await using var network = await NetworkNamespace.CreateAsync(s_serviceAddress, s_remoteCaller);
        await using var service = ServiceProcess.StartUnder(
            [.. network.ExecPrefix, "env", "ASPNETCORE_FORWARDEDHEADERS_ENABLED=true"],
            "--Http:Address", s_serviceAddress.ToString());
        var http = await service.WaitForHttpEndPointAsync();

        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(network, s_remoteCaller, http, "/connections", LocalhostHeader, "X-Forwarded-For: 127.0.0.1"));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(network, s_remoteCaller, http, "/connections", LocalhostHeader, "X-Forwarded-For: ::1, 127.0.0.1"));
        await service.WaitForLineAsync($"Admin request /connections from {s_remoteCaller} refused: not loopback");

        Assert.Equal(HttpStatusCode.OK, await GetAsync(network, IPAddress.Loopback, http, "/connections", LocalhostHeader, $"X-Forwarded-For: {s_remoteCaller}"));
    }

    [Fact]
    public async Task AllowRemoteWithAKey_RemoteCaller_Is200WithTheKey_And401Without()
    {
        await using var network = await NetworkNamespace.CreateAsync(s_serviceAddress, s_remoteCaller);
        await using var service = ServiceProcess.StartUnder(
            network.ExecPrefix,
            "--Http:Address", s_serviceAddress.ToString(),
            "--Admin:AllowRemote", "true",
            "--Admin:ApiKey", Key);
        var http = await service.WaitForHttpEndPointAsync();

        Assert.Equal(HttpStatusCode.OK, await GetAsync(network, s_remoteCaller, http, "/connections", $"Authorization: Bearer {Key}"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(network, s_remoteCaller, http, "/connections"));

        // The dashboard's page holds no data and asks for the key; its live feed wants it.
        Assert.Equal(HttpStatusCode.OK, await GetAsync(network, s_remoteCaller, http, "/"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(network, s_remoteCaller, http, "/connections/events"));
        await service.WaitForLineAsync($"Admin request /connections from {s_remoteCaller} refused: no valid API key");
    }

    /// <summary>
    /// GETs <paramref name="path"/> with curl from inside the namespace, from <paramref name="source"/>, adding
    /// <paramref name="headers"/> (one "Name: value" each); returns the status.
    /// </summary>
    private static async Task<HttpStatusCode> GetAsync(NetworkNamespace network, IPAddress source, IPEndPoint service, string path, params string[] headers)
    {
        var curl = await network.RunAsync(
        [
            DeployTools.Curl, "--silent", "--show-error", "--max-time", "15",
            "--interface", source.ToString(),
            "--output", "/dev/null", "--write-out", "%{http_code}",
            .. headers.SelectMany(static header => new[] { "--header", header }),
            $"http://{service}{path}",
        ]);

        Assert.True(curl.ExitCode == 0, curl.ToString());
        return (HttpStatusCode)int.Parse(curl.Stdout, CultureInfo.InvariantCulture);
    }
}
