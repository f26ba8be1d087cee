using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Udp;

/// <summary>Whether and how the UDP echo starts: off unless asked for, and a bad setting stops the start in one line.</summary>
public sealed class UdpStartupTests : FreshAppTest
{
    [Fact]
    public async Task ByDefault_NoUdpSocketIsOpened()
    {
        var app = await StartAppAsync();

        Assert.Throws<InvalidOperationException>(() => app.EchoUdpEndPoint);
        Assert.Empty(app.Logs.WithEvent("EchoUdpListening"));
        Assert.Empty(OwnUdpSocketsOnPort(9999));
    }

    [Fact]
    public async Task Enabled_BindsAndAnnouncesTheUdpEndpoint()
    {
        var app = await StartAppAsync(static app => app.WithUdp());

        var line = Assert.Single(app.Logs.WithEvent("EchoUdpListening"));
        Assert.Contains($"udp://{app.EchoUdpEndPoint}", line.Message, StringComparison.Ordinal);
        Assert.Single(OwnUdpSocketsOnPort(app.EchoUdpEndPoint.Port));
    }

    [Fact]
    public async Task InvalidSettings_ExitNonZero_WithOneLineNamingEverySetting()
    {
        var line = await ServiceProcess.FailedStartLineAsync(
            "--EchoUdp:MaxDatagramSize", "0",
            "--EchoUdp:AllowedSourcePorts:0", "53",
            "--EchoUdp:AllowedSourcePorts:1", "2000-1000",
            "--EchoUdp:FlowIdleTimeout", "00:00:00",
            "--EchoUdp:MaxFlows", "0",
            "--EchoUdp:PacketsPerSecondPerClient", "-1",
            "--EchoUdp:Address", "nowhere");

        foreach (var setting in (string[])["EchoUdp:MaxDatagramSize", "EchoUdp:AllowedSourcePorts:0", "EchoUdp:AllowedSourcePorts:1", "EchoUdp:FlowIdleTimeout", "EchoUdp:MaxFlows", "EchoUdp:PacketsPerSecondPerClient", "EchoUdp:Address"])
        {
            Assert.Contains(setting, line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PortInUse_ExitsNonZero_WithOneLineNamingThePortAndSetting()
    {
        using var holder = UdpClients.Bind(IPAddress.Loopback);
        var port = ((IPEndPoint)holder.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture);

        var line = await ServiceProcess.FailedStartLineAsync("--EchoUdp:Enabled", "true", "--EchoUdp:Address", "127.0.0.1", "--EchoUdp:Port", port);

        Assert.Contains($"UDP port {port} is already in use (EchoUdp:Port)", line, StringComparison.Ordinal);
    }

    /// <summary>This process's UDP sockets bound to <paramref name="port"/>, from /proc: the kernel's account, not the app's.</summary>
    private static List<string> OwnUdpSocketsOnPort(int port)
    {
        var ownInodes = Directory.EnumerateFiles("/proc/self/fd")
            .Select(static fd => new FileInfo(fd).LinkTarget)
            .OfType<string>()
            .Where(static target => target.StartsWith("socket:[", StringComparison.Ordinal))
            .Select(static target => target["socket:[".Length..^1])
            .ToHashSet(StringComparer.Ordinal);
        var localPort = $":{port:X4}";
        return [.. ((string[])["/proc/net/udp", "/proc/net/udp6"])
            .Where(File.Exists)
            .SelectMany(File.ReadLines)
            .Select(static line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 9 && fields[1].EndsWith(localPort, StringComparison.Ordinal) && ownInodes.Contains(fields[9]))
            .Select(static fields => fields[1])];
    }
}
