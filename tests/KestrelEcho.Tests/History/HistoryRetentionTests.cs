using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.History;

/// <summary>The retention pass the writer runs at start (and every minute), on rows written into the file beforehand.</summary>
public sealed class HistoryRetentionTests : FreshAppTest
{
    [Fact]
    public async Task RowsOlderThanRetention_AreDeleted_NewerOnesKept()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("kestrel-echo-history-retention-");
        try
        {
            var path = Path.Combine(folder.FullName, "history.db");
            var now = DateTimeOffset.UtcNow;
            await HistoryRows.SeedAsync(
                path,
                [
                    .. Enumerable.Range(0, 4500).Select(i => HistoryRows.Record($"old{i}", now.AddDays(-3).AddSeconds(-i))),
                    .. Enumerable.Range(0, 30).Select(i => HistoryRows.Record($"new{i}", now.AddDays(-1).AddSeconds(-i))),
                ],
                cancellationToken);

            var app = await StartAppAsync(("History:Path", path), ("History:Retention", "2.00:00:00"));

            // More than two of the retention's batches: it must go on until none is left.
            await HistoryRows.WaitForRowsAsync(path, 30, cancellationToken);
            using var http = app.CreateClient();
            var kept = await HistoryRows.AllPagesAsync(http, "limit=1000", cancellationToken);
            Assert.All(kept, static row => Assert.StartsWith("new", row.GetProperty("id").GetString(), StringComparison.Ordinal));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task RowsBeyondMaxRows_AreDeleted_OldestFirst()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("kestrel-echo-history-retention-");
        try
        {
            var path = Path.Combine(folder.FullName, "history.db");
            var now = DateTimeOffset.UtcNow;
            await HistoryRows.SeedAsync(path, [.. Enumerable.Range(0, 40).Select(i => HistoryRows.Record($"r{i:D2}", now.AddMinutes(-40 + i)))], cancellationToken);

            var app = await StartAppAsync(("History:Path", path), ("History:MaxRows", "25"));

            await HistoryRows.WaitForRowsAsync(path, 25, cancellationToken);
            using var http = app.CreateClient();
            var kept = await HistoryRows.AllPagesAsync(http, "limit=1000", cancellationToken);
            Assert.Equal(Enumerable.Range(15, 25).Reverse().Select(static i => $"r{i:D2}"), kept.Select(static row => row.GetProperty("id").GetString()));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
