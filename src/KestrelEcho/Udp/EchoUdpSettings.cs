namespace KestrelEcho.Udp;

/// <summary>The settings' full names, as validation failures and logs say them.</summary>
internal static class EchoUdpSettings
{
    public const string Enabled = $"{EchoUdpOptions.SectionName}:{nameof(EchoUdpOptions.Enabled)}";
    public const string Port = $"{EchoUdpOptions.SectionName}:{nameof(EchoUdpOptions.Port)}";
    public const string PacketsPerSecondPerClient = $"{EchoUdpOptions.SectionName}:{nameof(EchoUdpOptions.PacketsPerSecondPerClient)}";
    public const string BurstPerClient = $"{EchoUdpOptions.SectionName}:{nameof(EchoUdpOptions.BurstPerClient)}";
    public const string BytesPerSecondPerClient = $"{EchoUdpOptions.SectionName}:{nameof(EchoUdpOptions.BytesPerSecondPerClient)}";
    public const string MaxDatagramSize = $"{EchoUdpOptions.SectionName}:{nameof(EchoUdpOptions.MaxDatagramSize)}";
    public const string AllowedSourcePorts = $"{EchoUdpOptions.SectionName}:{nameof(EchoUdpOptions.AllowedSourcePorts)}";
    public const string FlowIdleTimeout = $"{EchoUdpOptions.SectionName}:{nameof(EchoUdpOptions.FlowIdleTimeout)}";
    public const string MaxFlows = $"{EchoUdpOptions.SectionName}:{nameof(EchoUdpOptions.MaxFlows)}";
}
