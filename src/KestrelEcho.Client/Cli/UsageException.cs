namespace KestrelEcho.Client.Cli;

/// <summary>Options that cannot work together or with the target; the message is the one line to print.</summary>
internal sealed class UsageException(string message) : Exception(message);
