using KestrelEcho.History;
using KestrelEcho.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Tests.History;

/// <summary>The history's health and its log lines: one when the database becomes unusable, one when it is back.</summary>
public sealed class HistoryStatusTests
{
    [Fact]
    public void FailuresInARow_LogOneLine_AndRecoveryOneMore_WithWhatWasLost()
    {
        using var logs = new CapturedLogs();
        using var loggers = LoggerFactory.Create(logging => logging.AddProvider(logs));
        var database = new HistoryDatabase(Options.Create(new HistoryOptions { Path = "/srv/history.db" }), new HostingEnvironment { ContentRootPath = "/" });
        var status = new HistoryStatus(database, loggers.CreateLogger<HistoryStatus>());
        var full = new SqliteException("SQLite Error 13: 'database or disk is full'.", 13);
        status.Failed(full, 1000);
        status.Lost(500);
        status.Failed(full, 1000);
        status.Failed(new IOException("Not a directory"), 0);

        var unusable = Assert.Single(logs.WithEvent("HistoryUnusable"));
        Assert.Equal(LogLevel.Error, unusable.Level);
        Assert.Contains("/srv/history.db", unusable.Message, StringComparison.Ordinal);
        Assert.Contains("database or disk is full", unusable.Message, StringComparison.Ordinal);
        Assert.Equal("Not a directory", status.Problem);

        status.Succeeded();
        status.Succeeded();

        Assert.Null(status.Problem);
        var recovered = Assert.Single(logs.WithEvent("HistoryRecovered"));
        Assert.Contains("2500 records were lost", recovered.Message, StringComparison.Ordinal);

        status.Failed(full, 1);
        Assert.Equal(2, logs.WithEvent("HistoryUnusable").Count);
    }
}
