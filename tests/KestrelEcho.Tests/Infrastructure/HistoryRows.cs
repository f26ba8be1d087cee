using System.Net;
using System.Text.Json;
using KestrelEcho.History;
using KestrelEcho.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Tests.Infrastructure;

/// <summary>
/// The history database seen from outside the service: rows written into a file before an app starts, rows counted
/// in the file with SQL of the test's own, and every page of <c>/connections/history</c> read by following its cursors.
/// </summary>
internal static class HistoryRows
{
    public static HistoryRecord Record(string id, DateTimeOffset closedAt, string address = "10.0.0.1", string reason = "client_closed") =>
        new(id, "echo", "tcp", IPAddress.Parse(address), 40000, "127.0.0.1:9999", null, closedAt.AddSeconds(-1), closedAt, 1, 10, 10, reason, false);

    /// <summary>Writes <paramref name="records"/> into <paramref name="path"/> as the service would, creating the file.</summary>
    public static async Task SeedAsync(string path, IReadOnlyList<HistoryRecord> records, CancellationToken cancellationToken)
    {
        var database = new HistoryDatabase(Options.Create(new HistoryOptions { Path = path }), new HostingEnvironment { ContentRootPath = "/" });
        await using var connection = await database.OpenForWritingAsync(cancellationToken);
        await HistoryDatabase.InsertAsync(connection, records, cancellationToken);
    }

    /// <summary>The rows in the file, counted by SQLite itself (not through the service).</summary>
    public static async Task<long> CountAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM connections";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Every row <c>/connections/history</c> lists for <paramref name="query"/>, page after page, newest first.</summary>
    public static async Task<List<JsonElement>> AllPagesAsync(HttpClient http, string query, CancellationToken cancellationToken)
    {
        var rows = new List<JsonElement>();
        string? cursor = null;
        for (var page = 0; page < 1000; page++)
        {
            var parameters = cursor is null ? query : $"{query}&cursor={cursor}";
            var path = $"/connections/history?{parameters}";
            var body = await http.GetJsonAsync(path, cancellationToken);
            rows.AddRange(body.GetProperty("connections").EnumerateArray());
            if (body.GetProperty("next").ValueKind == JsonValueKind.Null)
            {
                return rows;
            }

            cursor = body.GetProperty("next").GetString();
        }

        throw new InvalidOperationException("More than 1000 pages.");
    }

    /// <summary>How many rows <c>/connections/history</c> lists for <paramref name="query"/> (one page of at most 10,000).</summary>
    public static async Task<int> CountListedAsync(HttpClient http, string query, CancellationToken cancellationToken)
    {
        var body = await http.GetJsonAsync($"/connections/history?limit=10000&{query}", cancellationToken);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("next").ValueKind);
        return body.GetProperty("connections").GetArrayLength();
    }

    /// <summary>Waits until the app's history file holds <paramref name="count"/> rows.</summary>
    public static Task WaitForRowsAsync(string path, long count, CancellationToken cancellationToken)
    {
        long rows = -1;
        return Poll.UntilAsync(
            async () => (rows = await CountAsync(path, cancellationToken)) == count,
            TimeSpan.FromSeconds(30),
            () => $"{count} rows in {path}; it has {rows}");
    }
}
