using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace KestrelEcho.History;

/// <summary>
/// The history's SQLite file: where it is, its one table and indexes, and how connections to it are opened. Times
/// are stored as Unix milliseconds (UTC), client addresses as 16 bytes (IPv4 in its IPv6-mapped form), so a network
/// filter is a range of the index.
/// </summary>
internal sealed class HistoryDatabase
{
    /// <summary>Under the content root when <c>History:Path</c> is empty.</summary>
    public const string DefaultPath = "data/history.db";

    public const string Table = "connections";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS connections (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            stage TEXT NOT NULL,
            transport TEXT NOT NULL,
            remote_ip BLOB,
            remote_port INTEGER,
            local_endpoint TEXT,
            proxy TEXT,
            connected_at INTEGER NOT NULL,
            closed_at INTEGER NOT NULL,
            duration_seconds REAL NOT NULL,
            bytes_received INTEGER NOT NULL,
            bytes_sent INTEGER NOT NULL,
            close_reason TEXT NOT NULL,
            refused INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS connections_closed_at ON connections (closed_at);
        CREATE INDEX IF NOT EXISTS connections_remote_ip ON connections (remote_ip, closed_at);
        CREATE INDEX IF NOT EXISTS connections_close_reason ON connections (close_reason, closed_at);
        """;

    private readonly string _connectionString;

    public HistoryDatabase(IOptions<HistoryOptions> options, IHostEnvironment environment)
    {
        var history = options.Value;
        Enabled = history.Enabled;
        Path = System.IO.Path.GetFullPath(history.Path.Length == 0 ? DefaultPath : history.Path, environment.ContentRootPath);

        // Pooled: each /connections/history request opens its own connection, and the writer keeps one open.
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
    }

    public bool Enabled { get; }

    public string Path { get; }

    /// <summary>
    /// Opens the file, creating it, its folder and its table if missing, in WAL mode: readers (the API, a backup) never
    /// wait for the writer, and a commit costs one append, not a rewrite. A file that is not a database fails here.
    /// </summary>
    public async Task<SqliteConnection> OpenForWritingAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();

            // NORMAL under WAL loses at most the last commits on a power cut, never the file's consistency.
            command.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; " + Schema;
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>For queries: the file must already exist (the writer creates it at start).</summary>
    public async Task<SqliteConnection> OpenForReadingAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            throw new FileNotFoundException($"The history database {Path} does not exist (yet).", Path);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Appends <paramref name="records"/> in one transaction: one commit (one WAL append) per batch, not per row.</summary>
    public static async Task InsertAsync(SqliteConnection connection, IReadOnlyList<HistoryRecord> records, CancellationToken cancellationToken)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"""
            INSERT INTO {Table} (id, stage, transport, remote_ip, remote_port, local_endpoint, proxy, connected_at, closed_at,
                duration_seconds, bytes_received, bytes_sent, close_reason, refused)
            VALUES ($id, $stage, $transport, $remoteIp, $remotePort, $localEndPoint, $proxy, $connectedAt, $closedAt,
                $duration, $bytesReceived, $bytesSent, $closeReason, $refused)
            """;
        SqliteParameter[] values =
        [
            insert.Parameters.Add("$id", SqliteType.Text),
            insert.Parameters.Add("$stage", SqliteType.Text),
            insert.Parameters.Add("$transport", SqliteType.Text),
            insert.Parameters.Add("$remoteIp", SqliteType.Blob),
            insert.Parameters.Add("$remotePort", SqliteType.Integer),
            insert.Parameters.Add("$localEndPoint", SqliteType.Text),
            insert.Parameters.Add("$proxy", SqliteType.Text),
            insert.Parameters.Add("$connectedAt", SqliteType.Integer),
            insert.Parameters.Add("$closedAt", SqliteType.Integer),
            insert.Parameters.Add("$duration", SqliteType.Real),
            insert.Parameters.Add("$bytesReceived", SqliteType.Integer),
            insert.Parameters.Add("$bytesSent", SqliteType.Integer),
            insert.Parameters.Add("$closeReason", SqliteType.Text),
            insert.Parameters.Add("$refused", SqliteType.Integer),
        ];
        foreach (var record in records)
        {
            values[0].Value = record.Id;
            values[1].Value = record.Stage;
            values[2].Value = record.Transport;
            values[3].Value = record.RemoteAddress is { } address ? HistoryAddress.ToStored(address) : DBNull.Value;
            values[4].Value = record.RemotePort is { } port ? port : DBNull.Value;
            values[5].Value = record.LocalEndPoint ?? (object)DBNull.Value;
            values[6].Value = record.Proxy ?? (object)DBNull.Value;
            values[7].Value = ToStored(record.ConnectedAt);
            values[8].Value = ToStored(record.ClosedAt);
            values[9].Value = record.DurationSeconds;
            values[10].Value = record.BytesReceived;
            values[11].Value = record.BytesSent;
            values[12].Value = record.CloseReason;
            values[13].Value = record.Refused ? 1 : 0;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public static long ToStored(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromStored(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
}
