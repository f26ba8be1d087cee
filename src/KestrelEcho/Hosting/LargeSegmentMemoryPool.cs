using System.Buffers;

namespace KestrelEcho.Hosting;

/// <summary>
/// Hands the transport <see cref="SegmentSize"/> buffers where Kestrel's own pool has fixed 4 KiB blocks, so one
/// <c>recv</c> can take up to 64 KiB of a bulk stream instead of 4 KiB (about 16 times fewer system calls and
/// flushes per MiB). Idle connections hold none: the transport waits for data before it asks for a buffer.
/// Buffers come from and go back to <see cref="ArrayPool{T}.Shared"/>, which also trims them under memory pressure.
/// </summary>
internal sealed class LargeSegmentMemoryPool : MemoryPool<byte>
{
    public const int SegmentSize = 64 * 1024;

    // Pipes ask for max(hint, 4 KiB) but no more than this, then use the whole buffer they are given.
    public override int MaxBufferSize => SegmentSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1) => Shared.Rent(Math.Max(minBufferSize, SegmentSize));

    protected override void Dispose(bool disposing)
    {
        // Nothing is owned here: rented buffers return to the shared pool when their owners are disposed.
    }
}
