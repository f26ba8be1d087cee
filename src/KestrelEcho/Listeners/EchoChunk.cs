namespace KestrelEcho.Listeners;

/// <summary>Bytes read, copied into a pooled buffer, waiting in order for the time they are due to be echoed.</summary>
internal readonly record struct EchoChunk(byte[] Buffer, int Length, long DueTimestamp);
