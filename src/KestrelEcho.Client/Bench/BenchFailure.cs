namespace KestrelEcho.Client.Bench;

/// <summary>A benchmark stopped because an echo was wrong or late; the message is the one line to print.</summary>
internal sealed class BenchFailure(string message) : Exception(message);
