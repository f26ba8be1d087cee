using System.Security.Authentication;

namespace KestrelEcho.Connections;

internal static class SslProtocolsExtensions
{
    /// <summary>
    /// The stable name used in JSON: OpenSSL's, which is also what HAProxy puts in a PROXY header's SSL version, so
    /// a connection terminated here and one terminated at the balancer read the same.
    /// </summary>
    public static string ToName(this SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls12 => "TLSv1.2",
        SslProtocols.Tls13 => "TLSv1.3",

        // The endpoint allows 1.2 and 1.3 only (EchoTlsListenOptionsExtensions.Protocols).
        _ => protocol.ToString(),
    };
}
