using System.Text.Json.Serialization;

namespace KestrelEcho.Listeners;

/// <summary>
/// A listener's impairments in <c>GET /listeners</c>, and the body of <c>PUT /listeners/{name}</c>, which replaces
/// them all: a member left out is off. Delay and jitter are time spans (<c>"00:00:00.200"</c>), as in the
/// configuration; a number is refused, so milliseconds cannot be mistaken for seconds.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ImpairmentsView
{
    public TimeSpan Delay { get; init; }

    public TimeSpan Jitter { get; init; }

    public long BytesPerSecond { get; init; }

    public long CloseAfterBytes { get; init; }

    public long ResetAfterBytes { get; init; }

    public double ResetOnAcceptProbability { get; init; }

    public int ChunkSize { get; init; }

    public static ImpairmentsView Of(ListenerImpairments impairments) => new()
    {
        Delay = impairments.Delay,
        Jitter = impairments.Jitter,
        BytesPerSecond = impairments.BytesPerSecond,
        CloseAfterBytes = impairments.CloseAfterBytes,
        ResetAfterBytes = impairments.ResetAfterBytes,
        ResetOnAcceptProbability = impairments.ResetOnAcceptProbability,
        ChunkSize = impairments.ChunkSize,
    };

    public ListenerImpairments ToImpairments() =>
        new(Delay, Jitter, BytesPerSecond, CloseAfterBytes, ResetAfterBytes, ResetOnAcceptProbability, ChunkSize);
}
