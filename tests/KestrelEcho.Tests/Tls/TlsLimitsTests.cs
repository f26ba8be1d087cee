using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using KestrelEcho.Connections;
using KestrelEcho.Net;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Tls;

/// <summary>
/// The echo limits on the TLS echo endpoint. They sit before Kestrel's TLS layer, so a client over a limit is closed
/// before the server sends a single TLS byte: no ServerHello, no handshake to pay for (docs/architecture.md, "The
/// path of one connection").
/// </summary>
public sealed class TlsLimitsTests : FreshAppTest
{
    private static readonly TimeSpan s_idleTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task OverTheGlobalLimit_TlsClientIsClosedBeforeAnyTlsByte_AsConnectionLimit_WhileAdmittedOnesKeepEchoing()
    {
        using var certificate = TestCertificate.Create();
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(app => app.WithTls(certificate).WithSetting("Echo:MaxConnections", "2").WithSetting("Echo:MaxConnectionsPerIp", "0"));
        var clientHello = await TlsClientHello.CaptureAsync(timeout.Token);

        // Plain and TLS connections count against the one limit.
        using var plain = await app.ConnectEchoAsync(timeout.Token);
        await plain.AssertHolaMundoEchoedAsync(timeout.Token);
        await using var admitted = await ConnectAndEchoAsync(app, certificate, timeout.Token);

        Assert.Empty(await SendClientHelloAsync(app, clientHello, source: null, timeout.Token));
        Assert.Equal(CloseReason.ConnectionLimit, await OnlyCloseReasonAsync(app));
        await plain.AssertHolaMundoEchoedAsync(timeout.Token);
        await admitted.AssertHolaMundoEchoedAsync(timeout.Token);

        // Once a slot is free the same ClientHello gets its ServerHello: the empty answer above was the refusal.
        await admitted.DisposeAsync();
        await Poll.UntilAsync(() => app.Registry.Active == 1, TimeSpan.FromSeconds(10), "the closed TLS client's slot to free up");
        Assert.Equal(HandshakeRecord, (await SendClientHelloAsync(app, clientHello, source: null, timeout.Token))[0]);
        await plain.AssertHolaMundoEchoedAsync(timeout.Token);
    }

    [Fact]
    public async Task OverThePerAddressLimit_TlsClientIsClosedBeforeAnyTlsByte_AsPerIpLimit_WhileOtherAddressesAreServed()
    {
        using var certificate = TestCertificate.Create();
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(app => app.WithTls(certificate).WithSetting("Echo:MaxConnectionsPerIp", "1"));
        var clientHello = await TlsClientHello.CaptureAsync(timeout.Token);
        var first = IPAddress.Parse("127.0.0.1");
        await using var admitted = await ConnectAndEchoAsync(app, certificate, timeout.Token, first);

        Assert.Empty(await SendClientHelloAsync(app, clientHello, first, timeout.Token));
        Assert.Equal(CloseReason.PerIpLimit, await OnlyCloseReasonAsync(app));
        // Another address gets its ServerHello (one of its own: this one holds its slot until the service sees it go).
        Assert.Equal(HandshakeRecord, (await SendClientHelloAsync(app, clientHello, IPAddress.Parse("127.0.0.3"), timeout.Token))[0]);
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

    /// <summary>The first byte of a TLS handshake record, as a ServerHello starts.</summary>
    private const byte HandshakeRecord = 0x16;

    /// <summary>Sends a ClientHello from a plain socket and returns the server's first answer: empty when it closed without one.</summary>
    private static async Task<byte[]> SendClientHelloAsync(EchoAppFactory app, byte[] clientHello, IPAddress? source, CancellationToken cancellationToken)
    {
        using var socket = await TcpClients.ConnectAsync(app.EchoTlsEndPoint, cancellationToken, source);
        try
        {
            await socket.SendAllAsync(clientHello, cancellationToken);
        }
        catch (SocketException)
        {
            // Refused before our send: the reset is the answer; what was received (nothing) is read below.
        }

        return await socket.ReceiveFirstAsync(cancellationToken);
    }

    /// <summary>The close reason of the one connection the app has closed so far.</summary>
    private static async Task<CloseReason?> OnlyCloseReasonAsync(EchoAppFactory app)
    {
        await Poll.UntilAsync(() => app.Registry.Closed >= 1, TimeSpan.FromSeconds(10), "a connection to close");
        return Assert.Single(app.ClosedSessions()).CloseReason;
    }
}
