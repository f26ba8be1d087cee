namespace KestrelEcho.Client.Cli;

/// <summary>What scripts can tell apart: an exact echo, a wrong one, and none at all.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The echo came back different or short (also System.CommandLine's code for bad usage).</summary>
    public const int WrongEcho = 1;

    /// <summary>No echo to judge: refused, unresolvable, TLS rejected, or timed out.</summary>
    public const int Unreachable = 2;
}
