using System.Diagnostics;
using System.Net.Sockets;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Hosting;

public sealed class ServiceProcessTests
{
    private static readonly TimeSpan s_promptExit = TimeSpan.FromSeconds(15);

    /// <summary>How soon a second stop signal must end the process: half the 20 s waits it cuts short (it takes ~0.1 s).</summary>
    private static readonly TimeSpan s_stopNow = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Signal_WithAClientConnected_ExitsZeroPromptly_AndTheClientSeesEndOfStream(string signal)
    {
        using var timeout = TestTimeout.Start(60);
        await using var service = ServiceProcess.Start();
        using var socket = await service.ConnectEchoAsync(timeout.Token);
        await socket.AssertHolaMundoEchoedAsync(timeout.Token);

        await service.SendSignalAsync(signal);
        var exitCode = await service.WaitForExitAsync(s_promptExit);

        Assert.Equal(0, exitCode);
        Assert.Empty(await socket.ReceiveToEndAsync(timeout.Token));
        Assert.Contains(service.Stdout, line => line.Contains("closed: server_shutdown", StringComparison.Ordinal));
        AssertNoWarningsOrExceptions(service);
    }

    [Fact]
    public async Task SecondSigint_DuringTheDrain_ClosesTheClientAtOnce_AndExitsZero()
    {
        using var timeout = TestTimeout.Start(60);
        await using var service = ServiceProcess.Start("--Echo:DrainTimeout", "00:00:20");
        using var socket = await service.ConnectEchoAsync(timeout.Token);
        await socket.AssertHolaMundoEchoedAsync(timeout.Token);

        // The test's stdin is a pipe, not a terminal, so the hint names the signal rather than Ctrl+C.
        await service.SendSignalAsync("INT");
        await service.WaitForLineAsync("Draining 1 echo connections for up to 20 s; send SIGTERM again to stop now");
        await socket.AssertHolaMundoEchoedAsync(timeout.Token);

        var exitCode = await SignalAgainAsync(service, "INT");

        Assert.Equal(0, exitCode);
        Assert.Empty(await socket.ReceiveToEndAsync(timeout.Token));
        Assert.Contains(service.Stdout, static line => line.Contains("Second stop signal: closing 1 echo connections now", StringComparison.Ordinal));
        Assert.Contains(service.Stdout, static line => line.Contains("closed: server_shutdown", StringComparison.Ordinal));
        AssertNoWarningsOrExceptions(service);
    }

    [Fact]
    public async Task SecondSigterm_DuringTheShutdownDelay_SkipsTheDelayAndTheDrain_AndExitsZero()
    {
        using var timeout = TestTimeout.Start(60);
        await using var service = ServiceProcess.Start("--Echo:ShutdownDelay", "00:00:20", "--Echo:DrainTimeout", "00:00:20");
        using var socket = await service.ConnectEchoAsync(timeout.Token);
        await socket.AssertHolaMundoEchoedAsync(timeout.Token);

        await service.SendSignalAsync("TERM");
        await service.WaitForLineAsync("still accepting echo connections for 20 s (Echo:ShutdownDelay) so load balancers stop sending first; 1 open; send SIGTERM again to stop now");
        await socket.AssertHolaMundoEchoedAsync(timeout.Token);

        var exitCode = await SignalAgainAsync(service, "TERM");

        Assert.Equal(0, exitCode);
        Assert.Empty(await socket.ReceiveToEndAsync(timeout.Token));
        Assert.DoesNotContain(service.Stdout, static line => line.Contains("Draining", StringComparison.Ordinal));
        Assert.Contains(service.Stdout, static line => line.Contains("Second stop signal: closing 1 echo connections now", StringComparison.Ordinal));
        Assert.Contains(service.Stdout, static line => line.Contains("closed: server_shutdown", StringComparison.Ordinal));
        AssertNoWarningsOrExceptions(service);
    }

    [Fact]
    public async Task ByDefault_SocketIoRunsInline_AsTheBenchmarksMeasuredIt()
    {
        await using var service = ServiceProcess.Start("--Logging:LogLevel:KestrelEcho.Hosting", "Debug");

        await service.WaitForLineAsync("Socket I/O runs inline on the socket engine's threads");
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
        using var socket = await service.ConnectEchoAsync(timeout.Token);
        await socket.AssertHolaMundoEchoedAsync(timeout.Token);

        // Sent but not yet read back when the signal arrives: it is in flight inside the service and the kernel.
        var payload = Payload.Random(1024 * 1024, seed: 9);
        var sending = socket.SendAllAsync(payload, timeout.Token);
        await service.SendSignalAsync("TERM");

        var echoed = await socket.ReceiveExactlyAsync(payload.Length, timeout.Token);
        await sending;

        // Still connected, so the drain has this connection to wait for; then it leaves by itself.
        await service.WaitForLineAsync("Draining 1 echo connections");
        socket.Shutdown(SocketShutdown.Send);
        Assert.Empty(await socket.ReceiveToEndAsync(timeout.Token));
        var exitCode = await service.WaitForExitAsync(s_promptExit);

        Assert.True(payload.AsSpan().SequenceEqual(echoed), "bytes sent before SIGTERM were not all echoed");
        Assert.Equal(0, exitCode);
        Assert.Contains(service.Stdout, line => line.Contains("closed: client_closed", StringComparison.Ordinal));
    }

    /// <summary>Sends the second stop signal and returns the exit code, which must come within <see cref="s_stopNow"/>.</summary>
    private static async Task<int> SignalAgainAsync(ServiceProcess service, string signal)
    {
        var sinceSignal = Stopwatch.StartNew();
        await service.SendSignalAsync(signal);
        var exitCode = await service.WaitForExitAsync(s_promptExit);
        Assert.True(sinceSignal.Elapsed < s_stopNow, $"the process exited {sinceSignal.Elapsed.TotalSeconds:0.0} s after the second signal");
        return exitCode;
    }

    private static void AssertNoWarningsOrExceptions(ServiceProcess service)
    {
        var output = service.Stdout.Concat(service.Stderr).ToList();
        Assert.DoesNotContain(output, static line => line.Contains("Exception", StringComparison.Ordinal));
        Assert.DoesNotContain(output, static line => line.Contains(" warn: ", StringComparison.Ordinal) || line.Contains(" fail: ", StringComparison.Ordinal));
    }
}
