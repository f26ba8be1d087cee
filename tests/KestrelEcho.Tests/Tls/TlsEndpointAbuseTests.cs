using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Tls;

/// <summary>
/// Clients that do not complete a TLS handshake on the TLS echo endpoint. Kestrel's TLS layer turns them away before
/// the echo; the tracking layer around it counts and lists them (<c>tls_handshake_failed</c>, <c>handshake_timeout</c>)
/// and summarizes them in the log: a port scanner or a confused client is not an operator's problem one by one.
/// </summary>
public sealed class TlsEndpointAbuseTests(TlsEchoAppFactory app) : EchoAppTest<TlsEchoAppFactory>(app)
{
    // Echo:HandshakeTimeout's default.
    private static readonly TimeSpan s_handshakeTimeout = TimeSpan.FromSeconds(10);

    // The start of a ClientHello: a record header announcing 512 bytes of handshake, the message's own header and the
    // client version. The rest never comes.
    private static readonly byte[] s_partialClientHello =
    [
        0x16, 0x03, 0x01, 0x02, 0x00, // record: handshake, 512 bytes
        0x01, 0x00, 0x01, 0xFC,       // ClientHello, 508 bytes
        0x03, 0x03,                   // client version 1.2
    ];

    [Theory]
    [InlineData("hola_mundo")]
    [InlineData("http_request")]
    [InlineData("random_bytes")]
    public async Task NonTlsClient_IsClosedOnItsFirstBytes_WithNothingEchoed_AndTheServiceGoesOn(string client)
    {
        var bytes = client switch
        {
            "hola_mundo" => "Hola mundo\n"u8.ToArray(),
            "http_request" => "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"u8.ToArray(),

            // This seed starts with 0x4B, no TLS record type; a seed starting like a record header would wait for the
            // rest of its record and test the handshake timeout instead.
            "random_bytes" => Payload.Random(1024, seed: 7),
            _ => throw new ArgumentOutOfRangeException(nameof(client), client, null),
        };
        using var timeout = TestTimeout.Start();
        var failedHandshakes = App.Logs.WithEvent("AuthenticationFailed").Count;
        var opened = App.Registry.Opened;
        using var socket = await ConnectToTheTlsPortAsync(timeout.Token);

        await socket.SendAllAsync(bytes, timeout.Token);
        var answer = await socket.ReceiveFirstAsync(timeout.Token);

        Assert.Empty(answer);

        // Refused as soon as the bytes cannot be a TLS record, not left to the handshake timeout.
        Assert.Equal(failedHandshakes + 1, App.Logs.WithEvent("AuthenticationFailed").Count);
        Assert.Equal("tls_handshake_failed", await App.CloseReasonOfAsync(socket));
        Assert.Equal(opened + 1, App.Registry.Opened);
        await AssertServingAsync(timeout.Token);
    }

    [Fact]
    public async Task HandshakeThatNeverCompletes_IsClosedAtTheHandshakeTimeout()
    {
        using var timeout = TestTimeout.Start(30);
        var timedOutHandshakes = App.Logs.WithEvent("AuthenticationTimedOut").Count;
        var opened = App.Registry.Opened;

        // Both wait out the same timeout, so together.
        var stalled = await Task.WhenAll(
            StallAsync([], timeout.Token),
            StallAsync(s_partialClientHello, timeout.Token));

        foreach (var (answer, sinceConnect, client) in stalled)
        {
            Assert.Empty(answer);
            Assert.Equal("handshake_timeout", await App.CloseReasonOfAsync(client));

            // The timer starts after the accept, so a stopwatch started before the connect reads at least as much;
            // a second off allows for the timer's granularity.
            Assert.True(sinceConnect >= s_handshakeTimeout - TimeSpan.FromSeconds(1), $"closed {sinceConnect.TotalSeconds:0.000} s after the connect, before the {s_handshakeTimeout.TotalSeconds} s handshake timeout");
        }

        Assert.Equal(timedOutHandshakes + 2, App.Logs.WithEvent("AuthenticationTimedOut").Count);
        Assert.Equal(opened + 2, App.Registry.Opened);
        await AssertServingAsync(timeout.Token);
    }

    /// <summary>
    /// Connects to the TLS port, sends <paramref name="start"/> and nothing more; returns what came back, when it
    /// closed, and the client's endpoint.
    /// </summary>
    private async Task<(byte[] Answer, TimeSpan SinceConnect, IPEndPoint Client)> StallAsync(byte[] start, CancellationToken cancellationToken)
    {
        var sinceConnect = Stopwatch.StartNew();
        using var socket = await ConnectToTheTlsPortAsync(cancellationToken);
        await socket.SendAllAsync(start, cancellationToken);
        var answer = await socket.ReceiveFirstAsync(cancellationToken);
        return (answer, sinceConnect.Elapsed, (IPEndPoint)socket.LocalEndPoint!);
    }

    private Task<Socket> ConnectToTheTlsPortAsync(CancellationToken cancellationToken) =>
        TcpClients.ConnectAsync(App.EchoTlsEndPoint, cancellationToken);

    /// <summary>Healthy, and echoing on both endpoints.</summary>
    private async Task AssertServingAsync(CancellationToken cancellationToken)
    {
        using var http = App.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health", cancellationToken)).StatusCode);
        using var plain = await App.ConnectEchoAsync(cancellationToken);
        await plain.AssertHolaMundoEchoedAsync(cancellationToken);
        await using var tls = await App.ConnectEchoTlsAsync(App.Certificate.Certificate, cancellationToken);
        await tls.AssertHolaMundoEchoedAsync(cancellationToken);
    }
}
