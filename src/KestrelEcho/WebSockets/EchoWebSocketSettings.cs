namespace KestrelEcho.WebSockets;

/// <summary>The settings' full names, as validation failures and logs say them.</summary>
internal static class EchoWebSocketSettings
{
    public const string Enabled = $"{EchoWebSocketOptions.SectionName}:{nameof(EchoWebSocketOptions.Enabled)}";
    public const string Path = $"{EchoWebSocketOptions.SectionName}:{nameof(EchoWebSocketOptions.Path)}";
    public const string Port = $"{EchoWebSocketOptions.SectionName}:{nameof(EchoWebSocketOptions.Port)}";
}
