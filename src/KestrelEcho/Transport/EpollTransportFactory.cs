using System.Buffers;
using System.Net;
using Microsoft.AspNetCore.Connections;

namespace KestrelEcho.Transport;

/// <summary>
/// Kestrel's transport for the endpoints claimed through <see cref="Claim"/>: a minimal Linux epoll transport (see
/// <see cref="EpollEventLoop"/>). Kestrel asks the transport registered last first; registered after the sockets
/// transport, this one binds exactly the claimed endpoints and leaves every other (HTTP) to sockets.
/// Endpoints are claimed by reference, the instance Kestrel's <c>ListenOptions</c> holds, because two endpoints on
/// port 0 are equal by value. The event loops (one per core) start with the first bind and live as long as the process.
/// </summary>
internal sealed class EpollTransportFactory(IMemoryPoolFactory<byte> memoryPools) : IConnectionListenerFactory, IConnectionListenerFactorySelector, IDisposable
{
    private readonly Lock _lock = new();
    private readonly HashSet<EndPoint> _claimed = new(ReferenceEqualityComparer.Instance);
    private readonly List<EndPoint> _bound = [];
    // The pool Kestrel's transports take from DI too (LargeSegmentMemoryPool in the service).
    private readonly MemoryPool<byte> _memoryPool = memoryPools.Create();
    private EpollEventLoop[]? _loops;

    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>Makes this transport bind <paramref name="endPoint"/> (an <see cref="IPEndPoint"/>, as ListenOptions holds it).</summary>
    public void Claim(EndPoint endPoint)
    {
        lock (_lock)
        {
            _claimed.Add(endPoint);
        }
    }

    public bool CanBind(EndPoint endpoint)
    {
        lock (_lock)
        {
            return endpoint is IPEndPoint && _claimed.Contains(endpoint);
        }
    }

    /// <summary>The addresses this transport listens on (what Kestrel bound through it), for the operator and tests.</summary>
    public IReadOnlyList<EndPoint> BoundEndPoints
    {
        get
        {
            lock (_lock)
            {
                return [.. _bound];
            }
        }
    }

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not IPEndPoint ip)
        {
            throw new NotSupportedException($"The epoll transport binds IP endpoints only, not {endpoint}.");
        }

        var listener = new EpollConnectionListener(ip, Loops(), _memoryPool);
        lock (_lock)
        {
            _bound.Add(listener.EndPoint);
        }

        return ValueTask.FromResult<IConnectionListener>(listener);
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
