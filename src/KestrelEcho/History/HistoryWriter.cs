using System.Threading.Channels;
using KestrelEcho.Connections;
using Microsoft.Data.Sqlite;

namespace KestrelEcho.History;

/// <summary>
/// Records every closed connection off the echo path: <see cref="OnClosed"/> copies the session's values into a
/// bounded queue and returns (a full queue drops the record and counts it, the echo never waits); one background
/// loop writes the queue in batches, one transaction each, and runs the retention between them. A database that
/// cannot be opened or written is reported once (<see cref="HistoryStatus"/>) and retried now and then; the
/// records meanwhile are counted as failed. It stops after the server: the last connections' closes are written too.
/// </summary>
internal sealed class HistoryWriter(
    HistoryDatabase database,
    HistoryRetention retention,
    HistoryStatus status,
    HistoryMetrics metrics,
    TimeProvider timeProvider) : IConnectionCloseObserver, IHostedLifecycleService
{
    /// <summary>About 13 s of 5,000 closes a second, at about 200 bytes a record.</summary>
    public const int QueueCapacity = 65_536;

    private const int BatchSize = 1000;

    /// <summary>
    /// How long the loop lets closes gather once the first has arrived, so a busy service writes hundreds of rows a
    /// transaction rather than a handful: each transaction is a write of the journal, and under churn (thousands of
    /// closes a second) small ones cost the echo's core more than the rows. Real time, not the service's clock: it is
    /// about batching work, and a row still reaches the file within this long.
    /// </summary>
    public static readonly TimeSpan GatherTime = TimeSpan.FromMilliseconds(100);

    /// <summary>A broken database is tried again this often, not once per batch.</summary>
    private static readonly TimeSpan s_reopenInterval = TimeSpan.FromSeconds(10);

    private readonly Channel<HistoryRecord> _queue = Channel.CreateBounded<HistoryRecord>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly List<HistoryRecord> _batch = new(BatchSize);
    private SqliteConnection? _connection;
    private DateTimeOffset _nextOpen;
    private DateTimeOffset _nextRetention;
    private Task _loop = Task.CompletedTask;

    public void OnClosed(EchoSession session)
    {
        if (!database.Enabled)
        {
            return;
        }

        var elapsed = timeProvider.GetElapsedTime(session.StartTimestamp, session.ClosedTimestamp);
        var remote = session.RemoteEndPoint;
        var record = new HistoryRecord(
            session.Id,
            session.Stage.ToName(),
            session.Transport.ToName(),
            remote?.Address,
            remote?.Port,
            session.LocalEndPoint?.ToString(),
            session.ProxyEndPoint?.ToString(),
            session.ConnectedAt,
            session.ConnectedAt + elapsed,
            elapsed.TotalSeconds,
            session.BytesReceived,
            session.BytesSent,
            (session.CloseReason ?? CloseReason.Error).ToName(),
            session.WasRefused);
        if (!_queue.Writer.TryWrite(record))
        {
            metrics.Dropped();
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!database.Enabled)
        {
            return;
        }

        // Opened (and created) before the endpoints serve, so the first query finds the file; a file that cannot be
        // opened is reported, never fatal. The writing itself runs in the background.
        await TryOpenAsync();
        _loop = Task.Run(RunAsync, CancellationToken.None);
    }

    /// <summary>After every other hosted service, the server's connections included, has stopped: nothing more will close.</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await _loop.WaitAsync(cancellationToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RunAsync()
    {
        Task<bool>? waiting = null;
        try
        {
            while (true)
            {
                if (timeProvider.GetUtcNow() >= _nextRetention)
                {
                    await RunRetentionAsync();
                }

                waiting ??= _queue.Reader.WaitToReadAsync().AsTask();
                try
                {
                    var dueIn = _nextRetention - timeProvider.GetUtcNow();
                    if (!await waiting.WaitAsync(dueIn > TimeSpan.Zero ? dueIn : TimeSpan.Zero, timeProvider))
                    {
                        return;
                    }
                }
                catch (TimeoutException)
                {
                    continue;
                }

                waiting = null;
                if (_queue.Reader.Count < BatchSize)
                {
                    await Task.Delay(GatherTime, TimeProvider.System);
                }

                await WriteQueuedAsync();
            }
        }
        finally
        {
            await CloseAsync();
        }
    }

    private async Task WriteQueuedAsync()
    {
        while (true)
        {
            while (_batch.Count < BatchSize && _queue.Reader.TryRead(out var record))
            {
                _batch.Add(record);
            }

            if (_batch.Count == 0)
            {
                return;
            }

            await WriteBatchAsync();
            _batch.Clear();
        }
    }

    private async Task WriteBatchAsync()
    {
        if (_connection is null && !await TryOpenAsync())
        {
            metrics.Failed(_batch.Count);
            status.Lost(_batch.Count);
            return;
        }

        try
        {
            await HistoryDatabase.InsertAsync(_connection!, _batch, CancellationToken.None);
            metrics.Written(_batch.Count);
            status.Succeeded();
        }
        catch (Exception exception)
        {
            // Whatever went wrong (a full disk, a file replaced or corrupted under us), the echo must not notice:
            // count the loss, report it once, and reopen later.
            metrics.Failed(_batch.Count);
            await FailAsync(exception, _batch.Count);
        }
    }

    private async Task RunRetentionAsync()
    {
        _nextRetention = timeProvider.GetUtcNow() + HistoryRetention.Interval;
        if (_connection is null && !await TryOpenAsync())
        {
            return;
        }

        try
        {
            // Closes keep being written between the batches of a long pass.
            while (await retention.DeleteBatchAsync(_connection!, CancellationToken.None) > 0)
            {
                await WriteQueuedAsync();
                if (_connection is null)
                {
                    return;
                }
            }

            status.Succeeded();
        }
        catch (Exception exception)
        {
            await FailAsync(exception, 0);
        }
    }

    private async Task<bool> TryOpenAsync()
    {
        if (timeProvider.GetUtcNow() < _nextOpen)
        {
            return false;
        }

        try
        {
            // Reported usable only once something is written: a full disk opens fine.
            _connection = await database.OpenForWritingAsync(CancellationToken.None);
            return true;
        }
        catch (Exception exception)
        {
            await FailAsync(exception, 0);
            return false;
        }
    }

    private async Task FailAsync(Exception exception, int lost)
    {
        status.Failed(exception, lost);
        _nextOpen = timeProvider.GetUtcNow() + s_reopenInterval;
        await CloseAsync();
    }

    private async Task CloseAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }
    }
}
