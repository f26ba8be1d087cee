using System.Buffers;
using System.Net;
using KestrelEcho.Hosting;
using Microsoft.AspNetCore.Connections;

namespace KestrelEcho.Transport;

/// <summary>
/// Kestrel's transport for the endpoints <paramref name="canBind"/> accepts: a minimal Linux epoll transport
/// (see <see cref="EpollEventLoop"/>). Kestrel asks the transports registered last first, so registering this after
/// the sockets transport puts it in front for its own endpoints and leaves every other endpoint to sockets.
/// The event loops (one per core) start with the first endpoint bound and live as long as the process.
/// </summary>
internal sealed class EpollTransportFactory(Func<EndPoint, bool> canBind) : IConnectionListenerFactory, IConnectionListenerFactorySelector, IDisposable
{
    private readonly Lock _lock = new();
    private readonly MemoryPool<byte> _memoryPool = new LargeSegmentMemoryPool();
    private EpollEventLoop[]? _loops;

    public static bool IsSupported => OperatingSystem.IsLinux();

    public bool CanBind(EndPoint endpoint) => endpoint is IPEndPoint && canBind(endpoint);

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not IPEndPoint ip)
        {
            throw new NotSupportedException($"The epoll transport binds IP endpoints only, not {endpoint}.");
        }

        return ValueTask.FromResult<IConnectionListener>(new EpollConnectionListener(ip, Loops(), _memoryPool));
    }

    public void Dispose() => _memoryPool.Dispose();

    private EpollEventLoop[] Loops()
    {
        lock (_lock)
        {
            return _loops ??= Enumerable.Range(0, Environment.ProcessorCount)
                .Select(index => new EpollEventLoop($"epoll loop {index}"))
                .ToArray();
        }
    }
}
