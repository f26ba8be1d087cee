using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace KestrelEcho.Hosting;

/// <summary>Kestrel's socket transport takes its pools from this service (see <see cref="LargeSegmentMemoryPool"/>).</summary>
internal sealed class LargeSegmentMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeSegmentMemoryPool();
}
