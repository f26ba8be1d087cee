using System.Net.Sockets;
using KestrelEcho.Testing;

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
        await socket.AssertHolaMundoEchoedAsync(timeout.Token);

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

        var line = await ServiceProcess.FailedStartLineAsync($"--{setting}", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Contains($"port {port} is already in use ({setting})", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidSettings_ExitNonZero_WithOneLineNamingEverySetting()
    {
        var line = await ServiceProcess.FailedStartLineAsync("--Echo:Port", "70000", "--Http:Address", "not-an-address");

        Assert.Contains("Echo:Port", line, StringComparison.Ordinal);
        Assert.Contains("Http:Address", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonNumericPort_ExitsNonZero_WithOneLineNamingTheSetting()
    {
        var line = await ServiceProcess.FailedStartLineAsync("--Http:Port", "eighty");

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
        await socket.AssertHolaMundoEchoedAsync(timeout.Token);

        // Sent but not yet read back when the signal arrives: it is in flight inside the service and the kernel.
        var payload = Payload.Random(1024 * 1024, seed: 9);
        var sending = socket.SendAllAsync(payload, timeout.Token);
        await service.SendSignalAsync("TERM");

        var echoed = await socket.ReceiveExactlyAsync(payload.Length, timeout.Token);
        await sending;

        // Still connected, so the drain has this connection to wait for; then it leaves by itself.
        await Poll.UntilAsync(
            () => service.Stdout.Any(static line => line.Contains("Draining 1 echo connections", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10),
            "the drain to start");
        socket.Shutdown(SocketShutdown.Send);
        Assert.Empty(await socket.ReceiveToEndAsync(timeout.Token));
        var exitCode = await service.WaitForExitAsync(s_promptExit);

        Assert.True(payload.AsSpan().SequenceEqual(echoed), "bytes sent before SIGTERM were not all echoed");
        Assert.Equal(0, exitCode);
        Assert.Contains(service.Stdout, line => line.Contains("closed: client_closed", StringComparison.Ordinal));
    }
}
