using System.Net;
using System.Text.Json;
using KestrelEcho.Hosting;
using KestrelEcho.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

[assembly: AssemblyFixture(typeof(KestrelEcho.Client.Tests.Infrastructure.EchoService))]

namespace KestrelEcho.Client.Tests.Infrastructure;

/// <summary>
/// The real service on real Kestrel sockets, shared by every client test: the echo and TLS echo endpoints on
/// loopback ports chosen at run time, the TLS one with a throwaway certificate for localhost.
/// </summary>
public sealed class EchoService : WebApplicationFactory<global::Program>, IAsyncLifetime
{
    public EchoService()
    {
        // Not UseKestrel(int port): that sets PreferHostingUrls, which would drop the echo endpoints.
        UseKestrel();
    }

    public TestCertificate Certificate { get; } = TestCertificate.Create();

    public IPEndPoint EchoEndPoint => Endpoints.EchoEndPoint ?? throw new InvalidOperationException("The echo endpoint is not bound.");

    public IPEndPoint EchoTlsEndPoint => Endpoints.EchoTlsEndPoint ?? throw new InvalidOperationException("The TLS echo endpoint is not bound.");

    public IPEndPoint HttpEndPoint => Endpoints.HttpEndPoint ?? throw new InvalidOperationException("The HTTP endpoint is not bound.");

    /// <summary>The remote address of every live echo connection, as the service's own <c>/connections</c> lists them.</summary>
    public async Task<string[]> LiveRemoteAddressesAsync()
    {
        using var json = await GetJsonAsync("/connections?limit=100000");
        return [.. json.RootElement.GetProperty("connections").EnumerateArray().Select(connection => connection.GetProperty("remoteAddress").GetString()!)];
    }

    /// <summary>The service's <c>/connections/recent</c>: closed connections, newest first.</summary>
    public Task<JsonDocument> RecentConnectionsAsync(int limit) => GetJsonAsync($"/connections/recent?limit={limit}");

    private ListenEndpoints Endpoints => Services.GetRequiredService<ListenEndpoints>();

    public ValueTask InitializeAsync()
    {
        StartServer();
        return ValueTask.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Certificate.Dispose();
    }

    private async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{HttpEndPoint}") };
        await using var body = await http.GetStreamAsync(path, TestContext.Current.CancellationToken);
        return await JsonDocument.ParseAsync(body, cancellationToken: TestContext.Current.CancellationToken);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Echo:Address", "127.0.0.1");
        builder.UseSetting("Echo:Port", "0");
        builder.UseSetting("Http:Address", "127.0.0.1");
        builder.UseSetting("Http:Port", "0");
        builder.UseSetting("Echo:DrainTimeout", "00:00:00");
        builder.UseSetting("EchoTls:Enabled", "true");
        builder.UseSetting("EchoTls:Address", "127.0.0.1");
        builder.UseSetting("EchoTls:Port", "0");
        builder.UseSetting("EchoTls:CertificatePath", Certificate.CertificatePemPath);
        builder.UseSetting("EchoTls:KeyPath", Certificate.KeyPemPath);
    }
}
