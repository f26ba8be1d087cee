using System.Globalization;

namespace KestrelEcho.Client.Cli;

/// <summary>Durations as every message of the client writes them: seconds, up to milliseconds, invariant culture.</summary>
internal static class TimeSpanText
{
    public static string Seconds(TimeSpan duration) => $"{duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
}
