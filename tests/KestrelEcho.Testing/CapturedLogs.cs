using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace KestrelEcho.Testing;

/// <summary>Keeps every log entry the app writes, so tests can assert on what an operator would see.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> All => [.. _entries];

    public IReadOnlyList<LogEntry> AtOrAbove(LogLevel level) => [.. _entries.Where(entry => entry.Level >= level)];

    public IReadOnlyList<LogEntry> WithEvent(string eventName) => [.. _entries.Where(entry => entry.EventName == eventName)];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    public sealed record LogEntry(string Category, LogLevel Level, string? EventName, string Message, Exception? Exception)
    {
        public override string ToString() => $"{Level} {Category}[{EventName}] {Message} {Exception}";
    }

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, eventId.Name, formatter(state, exception), exception));
    }
}
