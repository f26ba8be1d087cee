namespace KestrelEcho.Connections;

internal static class CloseReasonExtensions
{
    /// <summary>The stable snake_case name used in logs, metric tags and JSON.</summary>
    public static string ToName(this CloseReason reason) => reason switch
    {
        CloseReason.ClientClosed => "client_closed",
        CloseReason.ClientReset => "client_reset",
        CloseReason.IdleTimeout => "idle_timeout",
        CloseReason.LifetimeExceeded => "lifetime_exceeded",
        CloseReason.ByteLimit => "byte_limit",
        CloseReason.ConnectionLimit => "connection_limit",
        CloseReason.PerIpLimit => "per_ip_limit",
        CloseReason.AdminClosed => "admin_closed",
        CloseReason.ServerShutdown => "server_shutdown",
        CloseReason.Error => "error",
        CloseReason.ProxyProtocolError => "proxy_protocol_error",
        CloseReason.ProxyProtocolTimeout => "proxy_protocol_timeout",
        CloseReason.UntrustedProxy => "untrusted_proxy",
        CloseReason.HandshakeTimeout => "handshake_timeout",
        CloseReason.TlsHandshakeFailed => "tls_handshake_failed",
        CloseReason.SlowReader => "slow_reader",
        CloseReason.AdminReset => "admin_reset",
        CloseReason.InjectedClose => "injected_close",
        CloseReason.InjectedReset => "injected_reset",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
