using System.Net;

namespace KestrelEcho.Deploy.Tests.Infrastructure;

/// <summary>
/// A network namespace of the test's own (<c>ip netns</c>, so root): its loopback up, with non-loopback addresses
/// added to that loopback, so processes inside it can call each other from addresses the service must treat as
/// remote. The machine's own interfaces are never touched. Disposing deletes the namespace, whatever happened.
/// </summary>
public sealed class NetworkNamespace : IAsyncDisposable
{
    private NetworkNamespace(string name) => Name = name;

    public string Name { get; }

    /// <summary>The file that stands for the namespace: what <c>setns</c> enters (<see cref="NamespaceSockets"/>).</summary>
    public string Path => $"/var/run/netns/{Name}";

    /// <summary>What runs a command inside the namespace: put it in front of the command line.</summary>
    public string[] ExecPrefix => [DeployTools.Ip, "netns", "exec", Name];

    /// <summary>Creates a namespace with a random name and <paramref name="addresses"/> (each a /32) on its loopback.</summary>
    public static async Task<NetworkNamespace> CreateAsync(params IPAddress[] addresses)
    {
        RequiredTool.AssertRoot("a network namespace of its own, with non-loopback addresses");
        var network = new NetworkNamespace($"kestrel-echo-{Guid.NewGuid().ToString("N")[..12]}");
        AssertSucceeded(await ChildProcess.RunAsync(DeployTools.Ip, ["netns", "add", network.Name]));
        try
        {
            AssertSucceeded(await network.RunAsync("ip", "link", "set", "lo", "up"));
            foreach (var address in addresses)
            {
                AssertSucceeded(await network.RunAsync("ip", "addr", "add", $"{address}/32", "dev", "lo"));
            }

            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Makes every address of <paramref name="network"/> (IPv6) the namespace's own, without adding one of them:
    /// <c>ip -6 route add local NET dev lo</c>. A client binds any of them with <c>IP_FREEBIND</c>, so one /64 gives
    /// as many distinct sources as a test wants.
    /// </summary>
    public async Task AddLocalRouteAsync(IPNetwork network) =>
        AssertSucceeded(await RunAsync("ip", "-6", "route", "add", "local", network.ToString(), "dev", "lo"));

    /// <summary>Runs <paramref name="command"/> inside the namespace to completion.</summary>
    public Task<ToolResult> RunAsync(params string[] command) => ChildProcess.RunAsync(ExecPrefix[0], [.. ExecPrefix[1..], .. command]);

    public async ValueTask DisposeAsync() =>
        AssertSucceeded(await ChildProcess.RunAsync(DeployTools.Ip, ["netns", "delete", Name]));

    private static void AssertSucceeded(ToolResult result) => Assert.True(result.ExitCode == 0, result.ToString());
}
