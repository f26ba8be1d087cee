namespace KestrelEcho.History;

/// <summary>The history's log events: one line when the database becomes unusable and one when it is back, never one per batch.</summary>
internal static partial class HistoryLog
{
    [LoggerMessage(1, LogLevel.Error, "Connection history database {Path} is unusable, closed connections are not being recorded (the echo is unaffected): {Problem}", EventName = "HistoryUnusable")]
    public static partial void Unusable(ILogger logger, string path, string problem);

    [LoggerMessage(2, LogLevel.Information, "Connection history database {Path} is writable again; {Lost} records were lost meanwhile", EventName = "HistoryRecovered")]
    public static partial void Recovered(ILogger logger, string path, long lost);

    [LoggerMessage(3, LogLevel.Debug, "Connection history retention deleted {Deleted} rows from {Path}", EventName = "HistoryTrimmed")]
    public static partial void Trimmed(ILogger logger, string path, long deleted);
}
