using System.Net.Sockets;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Hosting;

public sealed class ServiceProcessTests
{
    private static readonly TimeSpan s_promptExit = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Signal_WithAClientConnected_ExitsZeroPromptly_AndTheClientSeesEndOfStream(string signal)
    {
        using var timeout = TestTimeout.Start(60);
        await using var service = ServiceProcess.Start();
        var echo = await service.WaitForEchoEndPointAsync();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(echo, timeout.Token);
        await socket.SendAllAsync("Hola mundo"u8.ToArray(), timeout.Token);
        await socket.ReceiveExactlyAsync(10, timeout.Token);

        await service.SendSignalAsync(signal);
        var exitCode = await service.WaitForExitAsync(s_promptExit);

        Assert.Equal(0, exitCode);
        Assert.Empty(await socket.ReceiveToEndAsync(timeout.Token));
        Assert.Contains(service.Stdout, line => line.Contains("closed: server_shutdown", StringComparison.Ordinal));
        var output = service.Stdout.Concat(service.Stderr).ToList();
        Assert.DoesNotContain(output, line => line.Contains("Exception", StringComparison.Ordinal));
        Assert.DoesNotContain(output, line => line.Contains(" warn: ", StringComparison.Ordinal) || line.Contains(" fail: ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Echo:Port")]
    [InlineData("Http:Port")]
    [InlineData("Admin:Port")]
    public async Task PortInUse_ExitsNonZero_WithOneLineNamingThePortAndSetting(string setting)
    {
        using var holder = new TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var port = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;

        await using var service = ServiceProcess.Start($"--{setting}", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var exitCode = await service.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(service.Stderr);
        Assert.Contains($"port {port} is already in use ({setting})", line, StringComparison.Ordinal);
        Assert.DoesNotContain(service.Stdout, l => l.Contains("Exception", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InvalidSettings_ExitNonZero_WithOneLineNamingEverySetting()
    {
        await using var service = ServiceProcess.Start("--Echo:Port", "70000", "--Http:Address", "not-an-address");
        var exitCode = await service.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(service.Stderr);
        Assert.Contains("Echo:Port", line, StringComparison.Ordinal);
        Assert.Contains("Http:Address", line, StringComparison.Ordinal);
        Assert.Empty(service.Stdout);
    }

    [Fact]
    public async Task NonNumericPort_ExitsNonZero_WithOneLineNamingTheSetting()
    {
        await using var service = ServiceProcess.Start("--Http:Port", "eighty");
        var exitCode = await service.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(service.Stderr);
        Assert.Contains("'Http:Port'", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_DuringADrain_EchoesEveryByteSentBeforeIt_ThenExitsZero()
    {
        using var timeout = TestTimeout.Start(60);
        await using var service = ServiceProcess.Start("--Echo:DrainTimeout", "00:00:10");
        var echo = await service.WaitForEchoEndPointAsync();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(echo, timeout.Token);
        await socket.SendAllAsync("Hola mundo"u8.ToArray(), timeout.Token);
        await socket.ReceiveExactlyAsync(10, timeout.Token);

        // Sent but not yet read back when the signal arrives: it is in flight inside the service and the kernel.
        var payload = Payload.Random(1024 * 1024, seed: 9);
        var sending = socket.SendAllAsync(payload, timeout.Token);
        await service.SendSignalAsync("TERM");

        var echoed = await socket.ReceiveExactlyAsync(payload.Length, timeout.Token);
        await sending;
        socket.Shutdown(SocketShutdown.Send);
        Assert.Empty(await socket.ReceiveToEndAsync(timeout.Token));
        var exitCode = await service.WaitForExitAsync(s_promptExit);

        Assert.True(payload.AsSpan().SequenceEqual(echoed), "bytes sent before SIGTERM were not all echoed");
        Assert.Equal(0, exitCode);
        Assert.Contains(service.Stdout, line => line.Contains("Draining 1 echo connections", StringComparison.Ordinal));
        Assert.Contains(service.Stdout, line => line.Contains("closed: client_closed", StringComparison.Ordinal));
    }
}
