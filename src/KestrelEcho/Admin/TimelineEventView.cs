using System.Text.Json.Serialization;

namespace KestrelEcho.Admin;

/// <summary>
/// One step of a connection's life, the application's view of what a packet capture shows: accepted,
/// first_byte_received, client_half_closed (FIN), server_closing, closed (with the reason).
/// </summary>
internal sealed record TimelineEventView(
    string Event,
    DateTimeOffset At,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);
