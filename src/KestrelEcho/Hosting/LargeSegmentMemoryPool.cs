using System.Buffers;
using System.Collections.Concurrent;

namespace KestrelEcho.Hosting;

/// <summary>
/// Hands the transport <see cref="SegmentSize"/> buffers where Kestrel's own pool has fixed 4 KiB blocks, so one
/// <c>recv</c> can take up to 64 KiB of a bulk stream instead of 4 KiB (about 16 times fewer system calls and
/// flushes per MiB). Idle connections hold none: the transport waits for data before it asks for a buffer.
/// <para>
/// Like Kestrel's pinned block pool, it keeps the owners too, not only the arrays: a rent that finds a returned
/// <see cref="LargeSegment"/> allocates nothing, where <see cref="MemoryPool{T}.Shared"/> makes a new owner object
/// for every rent, that is for every read and every flushed echo. At most <see cref="MaxRetainedSegments"/> are kept
/// between rents (4 MiB); what a burst rents beyond that is dropped on return and goes back to the GC, so the pool
/// never holds the high-water mark of a busy moment.
/// </para>
/// </summary>
internal sealed class LargeSegmentMemoryPool : MemoryPool<byte>
{
    public const int SegmentSize = 64 * 1024;

    /// <summary>
    /// Enough for every segment in flight on two cores at once under ping-pong (one read and one echo per busy
    /// connection while the loop runs); more would only pin memory an idle service does not need.
    /// </summary>
    public const int MaxRetainedSegments = 64;

    private readonly ConcurrentQueue<LargeSegment> _segments = new();
    private int _retained;
    private volatile bool _disposed;

    // Pipes ask for max(hint, 4 KiB) but no more than this, then use the whole buffer they are given.
    public override int MaxBufferSize => SegmentSize;

    /// <summary>Segments kept for the next rents.</summary>
    public int Retained => Volatile.Read(ref _retained);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > SegmentSize)
        {
            // Not asked for by the pipes (MaxBufferSize), but honoured rather than failed.
            return Shared.Rent(minBufferSize);
        }

        if (_segments.TryDequeue(out var segment))
        {
            Interlocked.Decrement(ref _retained);
        }
        else
        {
            segment = new LargeSegment(this);
        }

        segment.OnRented();
        return segment;
    }

    /// <summary>Called once per rent, by the segment's first <see cref="LargeSegment.Dispose"/>.</summary>
    internal void Return(LargeSegment segment)
    {
        if (_disposed || Interlocked.Increment(ref _retained) > MaxRetainedSegments)
        {
            if (!_disposed)
            {
                Interlocked.Decrement(ref _retained);
            }

            return;
        }

        _segments.Enqueue(segment);
    }

    protected override void Dispose(bool disposing)
    {
        // Segments still rented are dropped when they come back; the kept ones go to the GC now.
        _disposed = true;
        _segments.Clear();
        Volatile.Write(ref _retained, 0);
    }
}
