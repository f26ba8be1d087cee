using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace KestrelEcho.Testing;

/// <summary>
/// The service as users run it: its own process (<c>dotnet KestrelEcho.dll</c>), the shipped appsettings.json,
/// real signals, and its production socket mode (inline completions, which the test process itself does not use).
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    /// <summary>How the systemd stand-in names the service's process id on its first output line.</summary>
    private const string ServicePidPrefix = "service-pid ";

    private readonly ChildProcess _process;
    private readonly string _historyFolder;

    private ServiceProcess(ChildProcess process, string historyFolder)
    {
        _process = process;
        _historyFolder = historyFolder;
    }

    public IReadOnlyList<string> Stdout => _process.Stdout;

    public IReadOnlyList<string> Stderr => _process.Stderr;

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    /// <summary>The service's process id (not the systemd stand-in's).</summary>
    public int Id => Stdout.FirstOrDefault(static line => line.StartsWith(ServicePidPrefix, StringComparison.Ordinal)) is { } pidLine
        ? int.Parse(pidLine[ServicePidPrefix.Length..], CultureInfo.InvariantCulture)
        : _process.Id;

    /// <summary>The service's resident memory now, from /proc (Linux).</summary>
    public long ResidentBytes() => StatusBytes("VmRSS:");

    /// <summary>The most resident memory the service has had so far (its high-water mark), from /proc (Linux).</summary>
    public long PeakResidentBytes() => StatusBytes("VmHWM:");

    private long StatusBytes(string field)
    {
        var line = File.ReadLines($"/proc/{Id}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        var kilobytes = long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return kilobytes * 1024;
    }

    /// <summary>
    /// Starts the service on loopback with free ports and no drain, plus <paramref name="arguments"/> (which win).
    /// </summary>
    public static ServiceProcess Start(params string[] arguments)
    {
        var historyFolder = NewHistoryFolder();
        string[] command = ServiceCommand(historyFolder, arguments);
        return new(ChildProcess.Start(command[0], command[1..], environment: ServiceEnvironment()), historyFolder);
    }

    /// <summary>As <see cref="Start(string[])"/>, with <paramref name="environment"/> added to what a user's shell gives it.</summary>
    public static ServiceProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var historyFolder = NewHistoryFolder();
        string[] command = ServiceCommand(historyFolder, arguments);
        var merged = ServiceEnvironment();
        foreach (var (name, value) in environment)
        {
            merged[name] = value;
        }

        return new(ChildProcess.Start(command[0], command[1..], environment: merged), historyFolder);
    }

    /// <summary>
    /// Starts the service with <paramref name="prefix"/> in front of its command line, e.g. <c>ip netns exec NAME</c>
    /// to run it in a network namespace.
    /// </summary>
    public static ServiceProcess StartUnder(string[] prefix, params string[] arguments)
    {
        var historyFolder = NewHistoryFolder();
        return new(ChildProcess.Start(prefix[0], [.. prefix[1..], .. ServiceCommand(historyFolder, arguments)], environment: ServiceEnvironment()), historyFolder);
    }

    /// <summary>
    /// Starts the service as systemd starts a <c>Type=notify</c> unit: as the child of a process named
    /// <c>systemd</c> (which is how Microsoft.Extensions.Hosting.Systemd 10.0 recognises it), with
    /// <c>NOTIFY_SOCKET</c> naming <paramref name="notifySocket"/>. The stand-in parent waits for the service and
    /// exits with its exit code; signals go to the service itself.
    /// </summary>
    public static ServiceProcess StartAsSystemdService(string notifySocket, params string[] arguments)
    {
        var environment = ServiceEnvironment();
        environment["NOTIFY_SOCKET"] = notifySocket;
        var historyFolder = NewHistoryFolder();
        return new(
            ChildProcess.Start(
                "sh",
                ["-c", $"printf systemd > /proc/$$/comm; \"$@\" & echo \"{ServicePidPrefix}$!\"; wait $!", "sh", .. ServiceCommand(historyFolder, arguments)],
                environment: environment),
            historyFolder);
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

    /// <summary>Waits for the start-up line that names the TLS echo endpoint (EchoTls:Enabled) and returns the bound endpoint.</summary>
    public Task<IPEndPoint> WaitForEchoTlsEndPointAsync() => WaitForEndPointAsync(EchoTlsListeningLine(), "TLS echo");

    /// <summary>Waits for the start-up line that names the admin endpoint (Admin:Port) and returns the bound endpoint.</summary>
    public Task<IPEndPoint> WaitForAdminEndPointAsync() => WaitForEndPointAsync(AdminListeningLine(), "admin");

    /// <summary>Waits for a line of output that contains <paramref name="text"/>; returns it.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan? timeout = null)
    {
        string? found = null;
        await Poll.UntilAsync(
            () => (found = Stdout.FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal))) is not null,
            timeout ?? TimeSpan.FromSeconds(15),
            () => $"the service to log '{text}'; its output:\n{_process.Output}");
        return found!;
    }

    /// <summary>An HTTP client for the service's HTTP endpoint (once the service has logged it).</summary>
    public async Task<HttpClient> CreateHttpClientAsync() => new() { BaseAddress = new Uri($"http://{await WaitForHttpEndPointAsync()}") };

    /// <summary>A connected client of the service's echo endpoint.</summary>
    public async Task<Socket> ConnectEchoAsync(CancellationToken cancellationToken) =>
        await TcpClients.ConnectAsync(await WaitForEchoEndPointAsync(), cancellationToken);

    /// <summary>What systemd, Kubernetes and Ctrl-C do to stop the service.</summary>
    public Task SendSignalAsync(string signal) => ChildProcess.SignalAsync(Id, signal);

    public Task<int> WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Directory.Delete(_historyFolder, recursive: true);
    }

    private async Task<IPEndPoint> WaitForEndPointAsync(Regex listeningLine, string endpointName)
    {
        IPEndPoint? endPoint = null;
        await Poll.UntilAsync(
            () =>
            {
                var match = Stdout.Select(line => listeningLine.Match(line)).FirstOrDefault(static m => m.Success);
                endPoint = match is null ? null : IPEndPoint.Parse(match.Groups["endpoint"].Value);
                return endPoint is not null || _process.HasExited;
            },
            TimeSpan.FromSeconds(30),
            () => $"the service to log its {endpointName} endpoint; its output:\n{_process.Output}");

        return endPoint ?? throw new InvalidOperationException($"The service exited with {_process.ExitCode}: {_process.Output}");
    }

    /// <summary>
    /// The command line that starts the service. Through <c>env --default-signal</c>: a process started in the
    /// background by a shell without job control (a CI script, <c>nohup … &amp;</c>) has SIGINT and SIGQUIT ignored,
    /// every process below it inherits that, and .NET respects it, so Ctrl+C would never reach the service. A user's
    /// terminal gives it the default handling, and so does this.
    /// </summary>
    private static string[] ServiceCommand(string historyFolder, string[] arguments) =>
    [
        "env", "--default-signal=INT,QUIT", "dotnet",
        Path.Combine(AppContext.BaseDirectory, "KestrelEcho.dll"),
        "--Echo:Address", "127.0.0.1", "--Echo:Port", "0", "--Http:Address", "127.0.0.1", "--Http:Port", "0", "--Echo:DrainTimeout", "00:00:00",
        "--History:Path", Path.Combine(historyFolder, "history.db"),
        .. arguments,
    ];

    /// <summary>Each service process records its closes in a file of its own, not one shared in the build output.</summary>
    private static string NewHistoryFolder() => Directory.CreateTempSubdirectory("kestrel-echo-history-").FullName;

    /// <summary>The environment a user's shell gives it: none of the test process's own settings.</summary>
    private static Dictionary<string, string?> ServiceEnvironment() => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = null,
        ["DOTNET_ENVIRONMENT"] = null,
        [TestProcessSockets.InlineCompletionsVariable] = null,
    };

    [GeneratedRegex(@"Echo endpoint listening on tcp://(?<endpoint>\S+)")]
    private static partial Regex EchoListeningLine();

    [GeneratedRegex(@"TLS echo endpoint listening on tls://(?<endpoint>\S+)")]
    private static partial Regex EchoTlsListeningLine();

    [GeneratedRegex(@"HTTP endpoint listening on http://(?<endpoint>\S+)")]
    private static partial Regex HttpListeningLine();

    [GeneratedRegex(@"Admin endpoint listening on http://(?<endpoint>\S+)")]
    private static partial Regex AdminListeningLine();
}
