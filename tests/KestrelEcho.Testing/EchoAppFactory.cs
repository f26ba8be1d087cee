using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KestrelEcho.Connections;
using KestrelEcho.Health;
using KestrelEcho.Hosting;
using KestrelEcho.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KestrelEcho.Testing;

/// <summary>
/// The one fixture: the real app on real Kestrel sockets, every endpoint on loopback ports chosen at run time.
/// Variants are settings (<see cref="WithSetting"/>, <see cref="WithTls"/>, <see cref="WithAdminPort"/>, PROXY
/// protocol through its settings) or, for a class fixture, a subclass that only sets them
/// (<see cref="TlsEchoAppFactory"/>). <see cref="AssertNoLeaksAsync"/> runs after every test
/// (<see cref="EchoAppTest{TApp}"/>, <see cref="FreshAppTest"/>).
/// </summary>
public class EchoAppFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Echo:Address"] = "127.0.0.1",
        ["Echo:Port"] = "0",
        ["Http:Address"] = "127.0.0.1",
        ["Http:Port"] = "0",

        // Stopping a test app should not wait out the production drain; drain tests set their own.
        ["Echo:DrainTimeout"] = "00:00:00",
    };

    private readonly HashSet<string> _expectedLogEvents = new(StringComparer.Ordinal);
    private readonly List<Action<IServiceCollection>> _testServices = [];
    private string? _jsonSettingsPath;
    private ConnectionRegistry? _registry;
    private KestrelConnectionMeter? _kestrel;
    private EchoMeterRecorder? _meter;
    private int[] _echoPorts = [];
    private int _logsChecked;

    static EchoAppFactory() => TestProcessSockets.UseThreadPoolCompletions();

    public EchoAppFactory()
    {
        // Not UseKestrel(int port): that sets PreferHostingUrls, which would drop the echo endpoint.
        UseKestrel();

        // Every test app records its closes, as production does, in a real file of its own.
        HistoryFolder = Directory.CreateTempSubdirectory("kestrel-echo-history-").FullName;
        _settings["History:Path"] = HistoryPath;
    }

    /// <summary>The app's own temporary folder for its history database, deleted with the factory.</summary>
    public string HistoryFolder { get; }

    /// <summary>Where the app keeps its history database unless the test sets <c>History:Path</c>.</summary>
    public string HistoryPath => Path.Combine(HistoryFolder, "history.db");

    public CapturedLogs Logs { get; } = new();

    public IPEndPoint EchoEndPoint => Endpoints.EchoEndPoint ?? throw new InvalidOperationException("The echo endpoint is not bound.");

    public IPEndPoint HttpEndPoint => Endpoints.HttpEndPoint ?? throw new InvalidOperationException("The HTTP endpoint is not bound.");

    /// <summary>The management endpoint; bound only with <see cref="WithAdminPort"/> (the <c>Admin:Port</c> setting).</summary>
    public IPEndPoint AdminEndPoint => Endpoints.AdminEndPoint ?? throw new InvalidOperationException("The admin endpoint is not bound: set Admin:Port.");

    public IPEndPoint EchoTlsEndPoint => Endpoints.EchoTlsEndPoint ?? throw new InvalidOperationException("The TLS echo endpoint is not bound; enable it with WithTls.");

    /// <summary>The UDP echo's socket; bound only with <see cref="WithUdp"/> (the <c>EchoUdp:Enabled</c> setting).</summary>
    public IPEndPoint EchoUdpEndPoint => Endpoints.EchoUdp ?? throw new InvalidOperationException("The UDP echo is not bound; enable it with WithUdp.");

    /// <summary>A named listener's bound endpoint (<c>Listeners:&lt;name&gt;:Port</c>, 0 in tests).</summary>
    public IPEndPoint ListenerEndPoint(string name) =>
        Endpoints.ListenerEndPoint(name) ?? throw new InvalidOperationException($"No listener named '{name}' is bound: set Listeners:{name}:Port.");

    /// <summary>The WebSocket echo on the HTTP endpoint (<c>EchoWebSocket:Path</c>, by default /ws/echo).</summary>
    public Uri EchoWebSocketUri => new($"ws://{HttpEndPoint}/ws/echo");

    /// <summary>The live and closed connections as the service counts them; kept after the app stops, for the leak check.</summary>
    internal ConnectionRegistry Registry => _registry ?? throw new InvalidOperationException("The app has not started.");

    /// <summary>The closed connections the app remembers, echoed and refused alike, newest first within each.</summary>
    internal List<EchoSession> ClosedSessions() => [.. Registry.Recent.Snapshot(), .. Registry.Refused.Snapshot()];

    private ListenEndpoints Endpoints => Services.GetRequiredService<ListenEndpoints>();

    /// <summary>Overrides a setting; call before the server starts.</summary>
    public EchoAppFactory WithSetting(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>Also reads (and watches) a JSON settings file, as the service does its appsettings.json.</summary>
    public EchoAppFactory WithJsonSettings(string path)
    {
        _jsonSettingsPath = path;
        return this;
    }

    /// <summary>Enables the TLS echo endpoint with <paramref name="certificate"/>; call before the server starts.</summary>
    public EchoAppFactory WithTls(TestCertificate certificate, CertificateFormat format = CertificateFormat.PemWithKeyFile)
    {
        foreach (var (key, value) in certificate.Settings(format))
        {
            WithSetting(key, value);
        }

        return this;
    }

    /// <summary>Serves the admin endpoints on a management port of their own (<c>Admin:Port</c>), chosen at run time.</summary>
    public EchoAppFactory WithAdminPort() => WithSetting("Admin:Port", "0");

    /// <summary>Enables the UDP echo on <paramref name="address"/> (<c>*</c> for every address) and a port chosen at run time.</summary>
    public EchoAppFactory WithUdp(string address = "127.0.0.1") =>
        WithSetting("EchoUdp:Enabled", "true").WithSetting("EchoUdp:Address", address).WithSetting("EchoUdp:Port", "0");

    /// <summary>
    /// Registers services of the test's own after every registration of the app's and after the transport's memory
    /// pool, so they replace either (a pool that fails on demand, say). For failures a test cannot provoke from
    /// outside; call before the server starts.
    /// </summary>
    public EchoAppFactory WithServices(Action<IServiceCollection> configure)
    {
        _testServices.Add(configure);
        return this;
    }

    /// <summary>
    /// Log lines with this event name are what the test provokes (an Error it expects, say): the check after the
    /// test does not count them.
    /// </summary>
    public EchoAppFactory ExpectLog(string eventName)
    {
        _expectedLogEvents.Add(eventName);
        return this;
    }

    public ValueTask InitializeAsync()
    {
        StartServer();
        _registry = Services.GetRequiredService<ConnectionRegistry>();
        _echoPorts =
        [
            .. new[] { Endpoints.EchoEndPoint, Endpoints.EchoTlsEndPoint }
                .Concat(Endpoints.Listeners.Values.Select(static listen => listen.IPEndPoint))
                .OfType<IPEndPoint>()
                .Select(static endPoint => endPoint.Port),
        ];

        // Before the first connection: Kestrel counts a connection only if its meter was listened to when it opened.
        _kestrel = new KestrelConnectionMeter(Services.GetRequiredService<IMeterFactory>());
        _meter = new EchoMeterRecorder(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// What SIGTERM does: the host's StopAsync, which runs the shutdown delay and the drain. Readiness fails while
    /// the service stops, and the health check service logs each failed probe at Error (the shipped appsettings.json
    /// keeps it quiet): expected here.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        ExpectLog("HealthCheckEnd");
        return Services.GetRequiredService<IHost>().StopAsync(cancellationToken);
    }

    /// <summary>
    /// An HTTP client the factory does not own: it keeps working while the app stops (the factory disposes
    /// its own clients first), which drain tests need.
    /// </summary>
    public HttpClient CreateIndependentClient() => new() { BaseAddress = new Uri($"http://{HttpEndPoint}") };

    /// <summary>A client for the management endpoint; <see cref="WebApplicationFactory{T}.CreateClient()"/> talks to the HTTP endpoint.</summary>
    public HttpClient CreateAdminClient() => new() { BaseAddress = new Uri($"http://{AdminEndPoint}") };

    /// <summary>Connects to the echo endpoint, from <paramref name="source"/> (any 127.0.0.x) when given.</summary>
    public Task<Socket> ConnectEchoAsync(CancellationToken cancellationToken, IPAddress? source = null) =>
        TcpClients.ConnectAsync(EchoEndPoint, cancellationToken, source);

    /// <summary>Connects to the named listener <paramref name="name"/>.</summary>
    public Task<Socket> ConnectListenerAsync(string name, CancellationToken cancellationToken) =>
        TcpClients.ConnectAsync(ListenerEndPoint(name), cancellationToken);

    /// <summary>
    /// Connects to the TLS echo endpoint and completes the handshake, accepting the server only if it presents
    /// exactly <paramref name="expected"/> (compared by SHA-256 thumbprint; a self-signed certificate has no chain
    /// to check). It offers h2 and http/1.1 as any HTTPS client would, so tests see what the endpoint agrees to.
    /// A <paramref name="proxyHeader"/> is sent first, in the clear, as a load balancer in front would. Connects from
    /// <paramref name="source"/> (any 127.0.0.x) when given. It offers the TLS versions the operating system allows,
    /// or only <paramref name="protocols"/> when given. It asks for <paramref name="serverName"/> (SNI).
    /// </summary>
    public Task<SslStream> ConnectEchoTlsAsync(
        X509Certificate2 expected,
        CancellationToken cancellationToken,
        byte[]? proxyHeader = null,
        IPAddress? source = null,
        SslProtocols protocols = SslProtocols.None,
        string serverName = "localhost") =>
        ConnectTlsAsync(EchoTlsEndPoint, expected, cancellationToken, proxyHeader, source, protocols, serverName);

    /// <summary>As <see cref="ConnectEchoTlsAsync"/>, to any TLS endpoint of the service (a named listener with <c>Tls</c>).</summary>
    public static async Task<SslStream> ConnectTlsAsync(
        IPEndPoint endPoint,
        X509Certificate2 expected,
        CancellationToken cancellationToken,
        byte[]? proxyHeader = null,
        IPAddress? source = null,
        SslProtocols protocols = SslProtocols.None,
        string serverName = "localhost")
    {
        var expectedThumbprint = expected.GetCertHashString(HashAlgorithmName.SHA256);
        var socket = await TcpClients.ConnectAsync(endPoint, cancellationToken, source);
        try
        {
            if (proxyHeader is not null)
            {
                await socket.SendAllAsync(proxyHeader, cancellationToken);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        // The streams own the socket: disposing the SslStream closes the connection.
        var tls = new SslStream(
            new NetworkStream(socket, ownsSocket: true),
            leaveInnerStreamOpen: false,
            (_, presented, _, _) => presented?.GetCertHashString(HashAlgorithmName.SHA256) == expectedThumbprint);
        try
        {
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = serverName,
                    ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
                    EnabledSslProtocols = protocols,
                },
                cancellationToken);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Nothing leaked, checked against Kestrel's own meter rather than the service's bookkeeping alone: every echo
    /// connection Kestrel accepted has been closed in Kestrel's eyes, the registry holds none, the registry closed
    /// exactly as many as Kestrel did, and nothing was logged at Warning or above since the last check (but
    /// what the test said it expects, <see cref="ExpectLog"/>). Works on a running app and on a stopped one.
    /// </summary>
    public async Task AssertNoLeaksAsync()
    {
        if (_registry is not { } registry || _kestrel is not { } kestrel || _meter is not { } meter)
        {
            return; // Never started: nothing to leak.
        }

        // Every connection Kestrel accepted on an echo port passes the tracking layer, failed TLS handshakes included;
        // WebSocket echo sessions live inside HTTP requests, so Kestrel counts them only as upgraded connections
        // (none may be left) and the rest of the registry's closes must be the WebSocket sessions the meter counted.
        // Polled as one condition: Kestrel lowers its active count and records the connection's duration one after
        // the other, after our middleware has returned.
        await Poll.UntilAsync(
            () => registry.Active == 0
                && _echoPorts.All(port => kestrel.Active(port) == 0)
                && kestrel.Upgraded == 0
                && registry.Closed == _echoPorts.Sum(kestrel.Closed) + meter.OnTransport("kestrel_echo.connections.closed", "websocket"),
            TimeSpan.FromSeconds(10),
            () => $"every echo connection to close, in both accounts: {registry.Active} still registered, {_echoPorts.Sum(kestrel.Active)} still open in Kestrel, {kestrel.Upgraded} upgraded; Kestrel closed {_echoPorts.Sum(kestrel.Closed)}, the meter {meter.OnTransport("kestrel_echo.connections.closed", "websocket")} WebSocket sessions, the registry counted {registry.Closed} closed");

        var entries = Logs.All;
        var unexpected = entries.Skip(_logsChecked).Where(entry => entry.Level >= LogLevel.Warning && !_expectedLogEvents.Contains(entry.EventName ?? "")).ToList();
        _logsChecked = entries.Count;
        Assert.True(unexpected.Count == 0, $"logged at Warning or above:\n{string.Join('\n', unexpected)}");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _kestrel?.Dispose();
        _meter?.Dispose();
        if (Directory.Exists(HistoryFolder))
        {
            Directory.Delete(HistoryFolder, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        // WebApplicationFactory's UseKestrel() adds Kestrel, and with it Kestrel's 4 KiB pool factory, after
        // every registration of the app's; registered last, the service's pool wins as it does in production.
        builder.ConfigureServices(static services => services.UseLargeSegmentMemoryPool());
        foreach (var configure in _testServices)
        {
            builder.ConfigureServices(configure);
        }

        return base.CreateHost(builder);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        // Every level reaches the capture, so tests can also assert what Debug lines say (and never say).
        builder.ConfigureLogging(logging => logging.AddProvider(Logs).AddFilter<CapturedLogs>(null, LogLevel.Trace));

        if (_jsonSettingsPath is { } path)
        {
            builder.ConfigureAppConfiguration(configuration => configuration.AddJsonFile(path, optional: false, reloadOnChange: true));
        }
    }
}
