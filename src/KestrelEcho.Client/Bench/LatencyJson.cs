using System.Text.Json.Serialization;

namespace KestrelEcho.Client.Bench;

/// <summary>Latency percentiles in microseconds, as the JSON report names them.</summary>
internal sealed record LatencyJson(
    double P50,
    double P90,
    double P99,
    [property: JsonPropertyName("p99.9")] double P999,
    double Max);
