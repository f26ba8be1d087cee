using System.Buffers;
using System.Runtime.InteropServices;

namespace KestrelEcho.Hosting;

/// <summary>
/// One <see cref="LargeSegmentMemoryPool.SegmentSize"/> buffer and its owner, rented again and again: disposing it
/// gives it back to its pool instead of leaving an owner object to the GC. The array is allocated pinned (on the
/// pinned object heap, as Kestrel's blocks are) so the socket's I/O never needs to pin it.
/// </summary>
internal sealed class LargeSegment(LargeSegmentMemoryPool pool) : IMemoryOwner<byte>
{
    private readonly Memory<byte> _memory = MemoryMarshal.CreateFromPinnedArray(
        GC.AllocateUninitializedArray<byte>(LargeSegmentMemoryPool.SegmentSize, pinned: true),
        0,
        LargeSegmentMemoryPool.SegmentSize);

    private int _rented;

    public Memory<byte> Memory => Volatile.Read(ref _rented) == 1 ? _memory : throw new ObjectDisposedException(nameof(LargeSegment));

    internal void OnRented() => Volatile.Write(ref _rented, 1);

    /// <summary>
    /// Returns the segment once: a second dispose before it is rented again does nothing. (As with any pooled
    /// owner, a holder that disposes after the segment has been rented again would return someone else's buffer;
    /// the pipes dispose each segment exactly once.)
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, 0) == 1)
        {
            pool.Return(this);
        }
    }
}
