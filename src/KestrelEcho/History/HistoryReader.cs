using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;

namespace KestrelEcho.History;

/// <summary>
/// Reads the history for <c>/connections/history</c>: newest first, by keyset (a page starts after the previous one's
/// last key, so deep pages cost what the first does and rows written meanwhile never shift them), and summaries per
/// time bucket. Each call opens its own pooled connection; under WAL it never waits for the writer.
/// </summary>
internal sealed class HistoryReader(HistoryDatabase database)
{
    private const string Columns =
        "seq, id, stage, transport, remote_ip, remote_port, local_endpoint, proxy, connected_at, closed_at, "
        + "duration_seconds, bytes_received, bytes_sent, close_reason, refused";

    /// <summary>At most <paramref name="limit"/> rows, and the cursor of the next page when there is one.</summary>
    public async Task<(List<HistoryRecord> Records, HistoryCursor? Next)> PageAsync(HistoryQuery query, int limit, CancellationToken cancellationToken)
    {
        var records = new List<HistoryRecord>(Math.Min(limit, 1024));
        HistoryCursor? last = null;
        await foreach (var (cursor, record) in ReadRowsAsync(query, limit + 1L, cancellationToken))
        {
            if (records.Count == limit)
            {
                return (records, last);
            }

            records.Add(record);
            last = cursor;
        }

        return (records, null);
    }

    /// <summary>Every matching row, or the first <paramref name="limit"/>, as they are read: for a CSV export of any size.</summary>
    public async IAsyncEnumerable<HistoryRecord> ReadAsync(HistoryQuery query, long? limit, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (_, record) in ReadRowsAsync(query, limit ?? -1, cancellationToken))
        {
            yield return record;
        }
    }

    public async Task<HistorySummary> SummarizeAsync(DateTimeOffset since, DateTimeOffset until, TimeSpan bucket, CancellationToken cancellationToken)
    {
        var bucketMs = (long)bucket.TotalMilliseconds;

        // Buckets start at multiples of their length, so a dashboard that refreshes sees the same buckets again.
        var start = HistoryDatabase.ToStored(since) / bucketMs * bucketMs;
        var end = HistoryDatabase.ToStored(until);
        var buckets = new List<HistoryBucket>();
        for (var at = start; at < end; at += bucketMs)
        {
            buckets.Add(new HistoryBucket(HistoryDatabase.FromStored(at), 0, 0, 0, 0, new Dictionary<string, long>(StringComparer.Ordinal)));
        }

        await using var connection = await database.OpenForReadingAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT (closed_at - $start) / $bucket, close_reason, count(*), sum(refused), sum(bytes_received), sum(bytes_sent)
            FROM {HistoryDatabase.Table} WHERE closed_at >= $start AND closed_at < $end
            GROUP BY 1, 2
            """;
        command.Parameters.AddWithValue("$start", start);
        command.Parameters.AddWithValue("$end", end);
        command.Parameters.AddWithValue("$bucket", bucketMs);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var index = (int)reader.GetInt64(0);
            var count = reader.GetInt64(2);
            var sum = buckets[index];
            sum.Reasons[reader.GetString(1)] = count;
            buckets[index] = sum with
            {
                Connections = sum.Connections + count,
                Refused = sum.Refused + reader.GetInt64(3),
                BytesReceived = sum.BytesReceived + reader.GetInt64(4),
                BytesSent = sum.BytesSent + reader.GetInt64(5),
            };
        }

        return new HistorySummary(HistoryDatabase.FromStored(start), until, (int)bucket.TotalSeconds, buckets);
    }

    private async IAsyncEnumerable<(HistoryCursor Cursor, HistoryRecord Record)> ReadRowsAsync(
        HistoryQuery query,
        long limit,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForReadingAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var where = new StringBuilder("WHERE 1");
        if (query.Since is { } since)
        {
            where.Append(" AND closed_at >= $since");
            command.Parameters.AddWithValue("$since", HistoryDatabase.ToStored(since));
        }

        if (query.Until is { } until)
        {
            where.Append(" AND closed_at < $until");
            command.Parameters.AddWithValue("$until", HistoryDatabase.ToStored(until));
        }

        if (query.Network is { } network)
        {
            var (first, last) = HistoryAddress.Range(network);
            where.Append(" AND remote_ip BETWEEN $first AND $last");
            command.Parameters.AddWithValue("$first", first);
            command.Parameters.AddWithValue("$last", last);
        }

        if (query.Reason is { } reason)
        {
            where.Append(" AND close_reason = $reason");
            command.Parameters.AddWithValue("$reason", reason);
        }

        if (query.Transport is { } transport)
        {
            where.Append(" AND transport = $transport");
            command.Parameters.AddWithValue("$transport", transport);
        }

        if (query.Refused is { } refused)
        {
            where.Append(" AND refused = $refused");
            command.Parameters.AddWithValue("$refused", refused ? 1 : 0);
        }

        if (query.After is { } after)
        {
            where.Append(" AND (closed_at, seq) < ($afterClosedAt, $afterSeq)");
            command.Parameters.AddWithValue("$afterClosedAt", after.ClosedAt);
            command.Parameters.AddWithValue("$afterSeq", after.Seq);
        }

        command.CommandText = $"SELECT {Columns} FROM {HistoryDatabase.Table} {where} ORDER BY closed_at DESC, seq DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return (new HistoryCursor(reader.GetInt64(9), reader.GetInt64(0)), Read(reader));
        }
    }

    /// <summary>One row, read synchronously: its values are in memory once the row has been stepped to.</summary>
    private static HistoryRecord Read(SqliteDataReader reader) => new(
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.IsDBNull(4) ? null : HistoryAddress.FromStored((byte[])reader.GetValue(4)),
        reader.IsDBNull(5) ? null : reader.GetInt32(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        HistoryDatabase.FromStored(reader.GetInt64(8)),
        HistoryDatabase.FromStored(reader.GetInt64(9)),
        reader.GetDouble(10),
        reader.GetInt64(11),
        reader.GetInt64(12),
        reader.GetString(13),
        reader.GetInt64(14) != 0);
}
