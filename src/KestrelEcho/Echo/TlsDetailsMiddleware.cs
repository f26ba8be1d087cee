using System.Text;
using KestrelEcho.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace KestrelEcho.Echo;

/// <summary>
/// Right after Kestrel's TLS layer, which only passes on a connection whose handshake completed: records what the
/// handshake agreed on the session, once per connection, so <c>/connections</c> can show it without touching the
/// TLS stream while the echo runs.
/// </summary>
internal sealed class TlsDetailsMiddleware(ConnectionDelegate next)
{
    public Task OnConnectedAsync(ConnectionContext connection)
    {
        var features = connection.Features;
        var handshake = features.GetRequiredFeature<ITlsHandshakeFeature>();
        var alpn = features.Get<ITlsApplicationProtocolFeature>()?.ApplicationProtocol ?? ReadOnlyMemory<byte>.Empty;
        features.GetRequiredFeature<EchoSession>().OnTlsHandshake(new TlsDetails(
            handshake.Protocol,
            handshake.NegotiatedCipherSuite,
            string.IsNullOrEmpty(handshake.HostName) ? null : handshake.HostName,
            alpn.IsEmpty ? null : Encoding.UTF8.GetString(alpn.Span),
            features.Get<ITlsConnectionFeature>()?.ClientCertificate?.Subject));
        return next(connection);
    }
}
