using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace KestrelEcho.Tests.Infrastructure;

/// <summary>
/// The service as users run it: its own process (<c>dotnet KestrelEcho.dll</c>), the shipped appsettings.json,
/// real signals. Output lines are collected as they come.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    /// <summary>How the systemd stand-in names the service's process id on its first output line.</summary>
    private const string ServicePidPrefix = "service-pid ";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private ServiceProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, line) => Collect(_stdout, line.Data);
        _process.ErrorDataReceived += (_, line) => Collect(_stderr, line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public IReadOnlyList<string> Stdout => [.. _stdout];

    public IReadOnlyList<string> Stderr => [.. _stderr];

    public int ExitCode => _process.ExitCode;

    /// <summary>The service's resident memory now, from /proc (Linux).</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(static l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        return kilobytes * 1024;
    }

    /// <summary>
    /// Starts the service on loopback with free ports and no drain, plus <paramref name="arguments"/> (which win).
    /// </summary>
    public static ServiceProcess Start(params string[] arguments)
    {
        var start = StartInfo("dotnet");
        AddServiceCommand(start, arguments);
        return new ServiceProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."));
    }

    /// <summary>
    /// Starts the service as systemd starts a <c>Type=notify</c> unit: as the child of a process named
    /// <c>systemd</c> (which is how Microsoft.Extensions.Hosting.Systemd 10.0 recognises it), with
    /// <c>NOTIFY_SOCKET</c> naming <paramref name="notifySocket"/>. The stand-in parent waits for the service and
    /// exits with its exit code; signals go to the service itself.
    /// </summary>
    public static ServiceProcess StartAsSystemdService(string notifySocket, params string[] arguments)
    {
        var start = StartInfo("sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"printf systemd > /proc/$$/comm; \"$@\" & echo \"{ServicePidPrefix}$!\"; wait $!");
        start.ArgumentList.Add("sh");
        AddServiceCommand(start, arguments);
        start.Environment["NOTIFY_SOCKET"] = notifySocket;
        return new ServiceProcess(Process.Start(start) ?? throw new InvalidOperationException("sh did not start."));
    }

    /// <summary>
    /// Starts the service with <paramref name="arguments"/> expecting it to refuse: it must exit non-zero with
    /// exactly one line on stderr, which is returned.
    /// </summary>
    public static async Task<string> FailedStartLineAsync(params string[] arguments)
    {
        await using var service = Start(arguments);
        var exitCode = await service.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, exitCode);
        Assert.DoesNotContain(service.Stdout, static line => line.Contains("Exception", StringComparison.Ordinal));
        return Assert.Single(service.Stderr);
    }

    /// <summary>Waits for the start-up line that names the echo endpoint and returns the bound endpoint.</summary>
    public Task<IPEndPoint> WaitForEchoEndPointAsync() => WaitForEndPointAsync(EchoListeningLine(), "echo");

    /// <summary>Waits for the start-up line that names the HTTP endpoint and returns the bound endpoint.</summary>
    public Task<IPEndPoint> WaitForHttpEndPointAsync() => WaitForEndPointAsync(HttpListeningLine(), "HTTP");

    /// <summary>An HTTP client for the service's HTTP endpoint (once the service has logged it).</summary>
    public async Task<HttpClient> CreateHttpClientAsync() => new() { BaseAddress = new Uri($"http://{await WaitForHttpEndPointAsync()}") };

    /// <summary>A connected client of the service's echo endpoint.</summary>
    public async Task<Socket> ConnectEchoAsync(CancellationToken cancellationToken)
    {
        var endPoint = await WaitForEchoEndPointAsync();
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<IPEndPoint> WaitForEndPointAsync(Regex listeningLine, string endpointName)
    {
        IPEndPoint? endPoint = null;
        await Poll.UntilAsync(
            () =>
            {
                var match = _stdout.Select(line => listeningLine.Match(line)).FirstOrDefault(static m => m.Success);
                endPoint = match is null ? null : IPEndPoint.Parse(match.Groups["endpoint"].Value);
                return endPoint is not null || _process.HasExited;
            },
            TimeSpan.FromSeconds(30),
            $"the service to log its {endpointName} endpoint");

        return endPoint ?? throw new InvalidOperationException($"The service exited with {_process.ExitCode}: {string.Join('\n', Stderr)}");
    }

    /// <summary>What systemd, Kubernetes and Ctrl-C do to stop the service.</summary>
    public async Task SendSignalAsync(string signal)
    {
        var servicePid = _stdout.FirstOrDefault(static line => line.StartsWith(ServicePidPrefix, StringComparison.Ordinal))?[ServicePidPrefix.Length..]
            ?? _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var kill = Process.Start("kill", ["-s", signal, servicePid]);
        await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(timeout, TestContext.Current.CancellationToken);

        // The parameterless wait also drains the redirected output to its end.
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static ProcessStartInfo StartInfo(string fileName) => new(fileName)
    {
        WorkingDirectory = AppContext.BaseDirectory,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        RedirectStandardInput = true,
        UseShellExecute = false,
    };

    private static void AddServiceCommand(ProcessStartInfo start, string[] arguments)
    {
        if (start.FileName != "dotnet")
        {
            start.ArgumentList.Add("dotnet");
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "KestrelEcho.dll"));
        foreach (var argument in (string[])["--Echo:Address", "127.0.0.1", "--Echo:Port", "0", "--Http:Address", "127.0.0.1", "--Http:Port", "0", "--Echo:DrainTimeout", "00:00:00", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
    }

    private static void Collect(ConcurrentQueue<string> lines, string? line)
    {
        if (line is not null)
        {
            lines.Enqueue(line);
        }
    }

    [GeneratedRegex(@"Echo endpoint listening on tcp://(?<endpoint>\S+)")]
    private static partial Regex EchoListeningLine();

    [GeneratedRegex(@"HTTP endpoint listening on http://(?<endpoint>\S+)")]
    private static partial Regex HttpListeningLine();
}
