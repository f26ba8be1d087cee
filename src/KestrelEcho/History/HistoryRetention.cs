using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace KestrelEcho.History;

/// <summary>
/// Deletes rows older than <c>History:Retention</c> and the oldest beyond <c>History:MaxRows</c>, a small batch at a
/// time: each delete is a short transaction, so the writer goes on recording between them and a reader never sees
/// a long lock.
/// </summary>
internal sealed class HistoryRetention(IOptions<HistoryOptions> options, TimeProvider timeProvider)
{
    public const int BatchSize = 2000;

    // Rows are numbered in the order they were written and deleted oldest first, so the newest number less MaxRows
    // bounds the rows kept without counting ten million of them.
    private const string DeleteBatch = $"""
        DELETE FROM {HistoryDatabase.Table} WHERE seq IN
            (SELECT seq FROM {HistoryDatabase.Table} WHERE closed_at < $cutoff LIMIT $batch);
        DELETE FROM {HistoryDatabase.Table} WHERE seq IN
            (SELECT seq FROM {HistoryDatabase.Table}
             WHERE seq <= (SELECT max(seq) FROM {HistoryDatabase.Table}) - $maxRows ORDER BY seq LIMIT $batch);
        """;

    /// <summary>How often the writer runs a pass (and once at start).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>Deletes at most two batches (one too old, one over the cap) and says how many rows went: 0 when done.</summary>
    public async Task<int> DeleteBatchAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var history = options.Value;
        await using var command = connection.CreateCommand();
        command.CommandText = DeleteBatch;
        command.Parameters.AddWithValue("$cutoff", HistoryDatabase.ToStored(timeProvider.GetUtcNow() - history.Retention));
        command.Parameters.AddWithValue("$batch", BatchSize);
        command.Parameters.AddWithValue("$maxRows", history.MaxRows);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
