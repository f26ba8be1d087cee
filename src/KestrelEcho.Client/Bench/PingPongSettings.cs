namespace KestrelEcho.Client.Bench;

/// <summary>
/// A ping-pong run: each connection sends one message and waits for all of it before the next, for
/// <see cref="Warmup"/> (not measured) and then <see cref="Duration"/> (measured).
/// </summary>
internal sealed record PingPongSettings(int Connections, int MessageSize, TimeSpan Duration, TimeSpan Warmup);
