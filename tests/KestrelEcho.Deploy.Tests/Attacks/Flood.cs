using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;

namespace KestrelEcho.Deploy.Tests.Attacks;

/// <summary>
/// Many connections of one attack, each watched until the service closes it. At most <c>maxOpen</c> are open at once
/// (a client process has the same 20,000 open files as the service), so a flood of refusals opens and closes as
/// fast as the service refuses, while connections the service keeps stay held until the flood is disposed.
/// </summary>
internal sealed class Flood(int maxOpen) : IAsyncDisposable
{
    private readonly SemaphoreSlim _openSlots = new(maxOpen, maxOpen);
    private readonly ConcurrentDictionary<Socket, Task> _open = new();
    private int _opened;
    private int _closedByService;
    private volatile bool _disposed;

    public int Opened => _opened;

    public int ClosedByService => _closedByService;

    /// <summary>The connections the service still keeps.</summary>
    public int Held => _open.Count;

    /// <summary>
    /// Opens <paramref name="count"/> connections through <paramref name="connect"/> (given the connection's number
    /// from 0), at most <paramref name="parallel"/> connects at once; each is then watched by
    /// <paramref name="untilClosed"/>, which ends when the service has closed it (by default: reads until FIN or
    /// reset, for clients that send nothing). Returns how long opening took.
    /// </summary>
    public async Task<TimeSpan> OpenAsync(
        int count,
        int parallel,
        Func<int, CancellationToken, Task<Socket>> connect,
        Func<Socket, Task>? untilClosed = null)
    {
        var started = Stopwatch.GetTimestamp();
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = TestContext.Current.CancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, count), options, async (number, cancellationToken) =>
        {
            await _openSlots.WaitAsync(cancellationToken);
            Socket socket;
            try
            {
                socket = await connect(number, cancellationToken);
            }
            catch
            {
                _openSlots.Release();
                throw;
            }

            Interlocked.Increment(ref _opened);

            // Listed before it is watched: a watch that ends at once removes it, and must find it there.
            _open[socket] = Task.CompletedTask;
            _open.TryUpdate(socket, WatchAsync(socket, untilClosed ?? ReadUntilClosedAsync), Task.CompletedTask);
        });
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Waits until the service has closed <paramref name="count"/> of them.</summary>
    public Task ClosedByServiceAsync(int count, TimeSpan timeout) =>
        Poll.UntilAsync(() => _closedByService >= count, timeout, () => $"the service to close {count} of {_opened} connections; it closed {_closedByService}");

    /// <summary>Closes what the service still keeps.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        foreach (var socket in _open.Keys)
        {
            socket.Dispose();
        }

        await Task.WhenAll(_open.Values).WaitAsync(TimeSpan.FromSeconds(30));
        _openSlots.Dispose();
    }

    private static Task<byte[]> ReadUntilClosedAsync(Socket socket) => socket.ReceiveUntilClosedAsync(CancellationToken.None);

    private async Task WatchAsync(Socket socket, Func<Socket, Task> untilClosed)
    {
        try
        {
            await untilClosed(socket);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // A reset or an aborted send is the service closing it too; disposing ends the watch of one it kept.
        }
        finally
        {
            if (!_disposed)
            {
                Interlocked.Increment(ref _closedByService);
                _open.TryRemove(socket, out _);
                socket.Dispose();
                _openSlots.Release();
            }
        }
    }
}
