using System.Buffers;
using KestrelEcho.Connections;
using KestrelEcho.Echo;
using KestrelEcho.Health;
using KestrelEcho.Hosting;
using Microsoft.AspNetCore.Connections;

namespace KestrelEcho.Tests.Infrastructure;

/// <summary>
/// The transport's memory pools as the service makes them (<see cref="LargeSegmentMemoryPoolFactory"/>), except that
/// once armed the next buffer rented from any of them fails, as it would when the process runs out of memory: an
/// unexpected failure provoked from outside the service's code. Register it with
/// <see cref="Testing.EchoAppFactory.WithServices"/>.
/// </summary>
internal sealed class FailingMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    private readonly LargeSegmentMemoryPoolFactory _service = new();
    private int _armed;
    private int _failedRents;

    /// <summary>How many rents have failed so far: one per <see cref="FailNextRent"/> that took effect.</summary>
    public int FailedRents => Volatile.Read(ref _failedRents);

    /// <summary>The next rent, from whichever connection asks first, throws; the ones after it succeed again.</summary>
    public void FailNextRent() => Volatile.Write(ref _armed, 1);

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new FailingMemoryPool(_service.Create(options), this);

    /// <summary>Called by every rent: true for the one rent that must fail (and disarms).</summary>
    public bool TakeFailure()
    {
        if (Interlocked.Exchange(ref _armed, 0) == 0)
        {
            return false;
        }

        Interlocked.Increment(ref _failedRents);
        return true;
    }
}
