namespace KestrelEcho.Connections;

internal static class ConnectionStageExtensions
{
    /// <summary>The stable snake_case name used in JSON.</summary>
    public static string ToName(this ConnectionStage stage) => stage switch
    {
        ConnectionStage.Accepted => "accepted",
        ConnectionStage.ProxyHeader => "proxy_header",
        ConnectionStage.TlsHandshake => "tls_handshake",
        ConnectionStage.Echo => "echo",
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
    };
}
