using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KestrelEcho.Echo;
using KestrelEcho.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KestrelEcho.Tests.Infrastructure;

/// <summary>
/// The real app on real Kestrel sockets, every endpoint on loopback ports chosen at run time. One instance per
/// test class; <see cref="AssertNoLeaksAsync"/> runs after every test.
/// </summary>
public sealed class EchoAppFactory : WebApplicationFactory<Program>, IAsyncLifetime
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

    public EchoAppFactory()
    {
        // Not UseKestrel(int port): that sets PreferHostingUrls, which would drop the echo endpoint.
        UseKestrel();
    }

    private string? _jsonSettingsPath;

    public CapturedLogs Logs { get; } = new();

    public IPEndPoint EchoEndPoint =>
        Services.GetRequiredService<ListenEndpoints>().EchoEndPoint
        ?? throw new InvalidOperationException("The echo endpoint is not bound.");

    public IPEndPoint HttpEndPoint =>
        Services.GetRequiredService<ListenEndpoints>().HttpEndPoint
        ?? throw new InvalidOperationException("The HTTP endpoint is not bound.");

    /// <summary>The management endpoint; bound only with the <c>Admin:Port</c> setting.</summary>
    public IPEndPoint AdminEndPoint =>
        Services.GetRequiredService<ListenEndpoints>().AdminEndPoint
        ?? throw new InvalidOperationException("The admin endpoint is not bound: set Admin:Port.");

    /// <summary>
    /// An HTTP client the factory does not own: it keeps working while the app stops (the factory disposes
    /// its own clients first), which drain tests need.
    /// </summary>
    public HttpClient CreateIndependentClient() => new() { BaseAddress = new Uri($"http://{HttpEndPoint}") };

    public IPEndPoint EchoTlsEndPoint =>
        Services.GetRequiredService<ListenEndpoints>().EchoTlsEndPoint
        ?? throw new InvalidOperationException("The TLS echo endpoint is not bound; enable it with WithTls.");

    internal ConnectionRegistry Registry => Services.GetRequiredService<ConnectionRegistry>();

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

    /// <summary>A started app with <paramref name="settings"/> on top of the test defaults.</summary>
    public static async Task<EchoAppFactory> StartAsync(params (string Key, string Value)[] settings)
    {
        var app = new EchoAppFactory();
        foreach (var (key, value) in settings)
        {
            app.WithSetting(key, value);
        }

        await app.InitializeAsync();
        return app;
    }


    /// <summary>Enables the TLS echo endpoint with <paramref name="certificate"/>; call before the server starts.</summary>
    public EchoAppFactory WithTls(TestCertificate certificate, CertificateFormat format)
    {
        foreach (var (key, value) in certificate.Settings(format))
        {
            WithSetting(key, value);
        }

        return this;
    }

    public ValueTask InitializeAsync()
    {
        StartServer();
        return ValueTask.CompletedTask;
    }

    /// <summary>A client for the management endpoint; <see cref="WebApplicationFactory{T}.CreateClient()"/> talks to the HTTP endpoint.</summary>
    public HttpClient CreateAdminClient() => new() { BaseAddress = new Uri($"http://{AdminEndPoint}") };

    /// <summary>Connects to the echo endpoint, from <paramref name="source"/> (any 127.0.0.x) when given.</summary>
    public async Task<Socket> ConnectEchoAsync(CancellationToken cancellationToken, IPAddress? source = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (source is not null)
            {
                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(EchoEndPoint, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects to the TLS echo endpoint and completes the handshake, accepting the server only if it presents
    /// exactly <paramref name="expected"/> (compared by SHA-256 thumbprint; a self-signed certificate has no chain
    /// to check). It offers h2 and http/1.1 as any HTTPS client would, so tests see what the endpoint agrees to.
    /// A <paramref name="proxyHeader"/> is sent first, in the clear, as a load balancer in front would.
    /// </summary>
    public async Task<SslStream> ConnectEchoTlsAsync(X509Certificate2 expected, CancellationToken cancellationToken, byte[]? proxyHeader = null)
    {
        var expectedThumbprint = expected.GetCertHashString(HashAlgorithmName.SHA256);
        var client = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        try
        {
            await client.ConnectAsync(EchoTlsEndPoint, cancellationToken);
            if (proxyHeader is not null)
            {
                await client.Client.SendAllAsync(proxyHeader, cancellationToken);
            }

            // The stream owns the socket: disposing the SslStream closes the connection.
            var tls = new SslStream(
                client.GetStream(),
                leaveInnerStreamOpen: false,
                (_, presented, _, _) => presented?.GetCertHashString(HashAlgorithmName.SHA256) == expectedThumbprint);
            try
            {
                await tls.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = "localhost",
                        ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
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
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Every connection a test opened has been closed and removed (opened = closed + active, active = 0), and
    /// nothing was logged at Warning or above.
    /// </summary>
    public async Task AssertNoLeaksAsync()
    {
        var registry = Registry;
        await Poll.UntilAsync(() => registry.Active == 0, TimeSpan.FromSeconds(10), "echo connections still registered");
        Assert.Equal(registry.Opened, registry.Closed + registry.Active);
        Assert.Empty(Logs.AtOrAbove(LogLevel.Warning));
    }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        // WebApplicationFactory's UseKestrel() adds Kestrel, and with it Kestrel's 4 KiB pool factory, after
        // every registration of the app's; registered last, the service's pool wins as it does in production.
        builder.ConfigureServices(static services => services.UseLargeSegmentMemoryPool());
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
