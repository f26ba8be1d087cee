using System.Text.Json.Serialization;

namespace KestrelEcho.Client.Bench;

/// <summary>The <c>--json</c> document: one per run, written at the end.</summary>
internal sealed record BenchJson(
    string Mode,
    int Connections,
    int Size,
    int Depth,
    int SourceAddresses,
    double WarmupSeconds,
    double MeasuredSeconds,
    long Messages,
    double MessagesPerSecond,
    long VerifiedBytes,
    double MebibytesPerSecond,
    long ConnectionsOpened,
    double ConnectionsPerSecond,
    int? Held,
    int? Alive,
    long Errors,
    string? FirstError,
    string LatencyOf,
    LatencyJson LatencyMicroseconds,
    string Transport,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] UdpLoss? Datagrams);
