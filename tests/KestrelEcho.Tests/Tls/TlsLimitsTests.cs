using System.Diagnostics;
using System.Net;
using System.Net.Security;
using KestrelEcho.Echo;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelEcho.Tests.Tls;

/// <summary>
/// The echo limits on the TLS echo endpoint. Kestrel's TLS layer runs before the echo handler, so a client over a
/// limit completes its handshake and is then closed at once (docs/architecture.md, "The path of one connection").
/// </summary>
public sealed class TlsLimitsTests : FreshAppTest
{
    private static readonly TimeSpan s_idleTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task OverTheGlobalLimit_TlsClientIsClosedAfterItsHandshake_AsConnectionLimit_WhileAdmittedOnesKeepEchoing()
    {
        using var certificate = TestCertificate.Create();
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(app => app.WithTls(certificate).WithSetting("Echo:MaxConnections", "2").WithSetting("Echo:MaxConnectionsPerIp", "0"));

        // Plain and TLS connections count against the one limit.
        using var plain = await app.ConnectEchoAsync(timeout.Token);
        await plain.AssertHolaMundoEchoedAsync(timeout.Token);
        await using var admitted = await ConnectAndEchoAsync(app, certificate, timeout.Token);

        await using (var refused = await app.ConnectEchoTlsAsync(certificate.Certificate, timeout.Token))
        {
            await refused.AssertEndsWithoutEchoAsync(timeout.Token);
        }

        Assert.Equal(CloseReason.ConnectionLimit, await OnlyCloseReasonAsync(app));
        await plain.AssertHolaMundoEchoedAsync(timeout.Token);
        await admitted.AssertHolaMundoEchoedAsync(timeout.Token);

        await admitted.DisposeAsync();
        await Poll.UntilAsync(() => app.Registry.Active == 1, TimeSpan.FromSeconds(10), "the closed TLS client's slot to free up");
        await using var reusing = await ConnectAndEchoAsync(app, certificate, timeout.Token);
        await plain.AssertHolaMundoEchoedAsync(timeout.Token);
    }

    [Fact]
    public async Task OverThePerAddressLimit_TlsClientIsClosedAfterItsHandshake_AsPerIpLimit_WhileOtherAddressesAreServed()
    {
        using var certificate = TestCertificate.Create();
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(app => app.WithTls(certificate).WithSetting("Echo:MaxConnectionsPerIp", "1"));
        var first = IPAddress.Parse("127.0.0.1");
        await using var admitted = await ConnectAndEchoAsync(app, certificate, timeout.Token, first);

        await using (var refused = await app.ConnectEchoTlsAsync(certificate.Certificate, timeout.Token, source: first))
        {
            await refused.AssertEndsWithoutEchoAsync(timeout.Token);
        }

        Assert.Equal(CloseReason.PerIpLimit, await OnlyCloseReasonAsync(app));
        await using var otherAddress = await ConnectAndEchoAsync(app, certificate, timeout.Token, IPAddress.Parse("127.0.0.2"));
        await admitted.AssertHolaMundoEchoedAsync(timeout.Token);

        await admitted.DisposeAsync();
        await Poll.UntilAsync(() => app.Registry.Active == 1, TimeSpan.FromSeconds(10), "the closed TLS client's slot to free up");
        await using var reusing = await ConnectAndEchoAsync(app, certificate, timeout.Token, first);
    }

    [Fact]
    public async Task IdleTlsClient_IsClosedAsIdleTimeout_NotBeforeTheTimeout()
    {
        using var certificate = TestCertificate.Create();
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(app => app.WithTls(certificate).WithSetting("Echo:IdleTimeout", $"{s_idleTimeout:c}"));

        // Started before the connect, so it measures no less than the service's idle clock, which starts when the
        // handshake is done. The sweeper looks once a second: the close comes up to a second after the timeout.
        var sinceConnect = Stopwatch.StartNew();
        await using var idle = await app.ConnectEchoTlsAsync(certificate.Certificate, timeout.Token);
        await idle.AssertEndsWithoutEchoAsync(timeout.Token);
        sinceConnect.Stop();

        Assert.True(sinceConnect.Elapsed >= s_idleTimeout, $"closed {sinceConnect.Elapsed.TotalSeconds:0.000} s after the connect, before the {s_idleTimeout.TotalSeconds} s idle timeout");
        Assert.Equal(CloseReason.IdleTimeout, await OnlyCloseReasonAsync(app));
    }

    private static async Task<SslStream> ConnectAndEchoAsync(EchoAppFactory app, TestCertificate certificate, CancellationToken cancellationToken, IPAddress? source = null)
    {
        var tls = await app.ConnectEchoTlsAsync(certificate.Certificate, cancellationToken, source: source);
        try
        {
            await tls.AssertHolaMundoEchoedAsync(cancellationToken);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }

    /// <summary>The close reason of the one connection the app has closed so far.</summary>
    private static async Task<CloseReason?> OnlyCloseReasonAsync(EchoAppFactory app)
    {
        await Poll.UntilAsync(() => app.Registry.Closed >= 1, TimeSpan.FromSeconds(10), "a connection to close");
        return Assert.Single(app.Services.GetRequiredService<RecentConnections>().Snapshot()).CloseReason;
    }
}
