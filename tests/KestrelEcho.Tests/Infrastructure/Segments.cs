using System.Buffers;

namespace KestrelEcho.Tests.Infrastructure;

/// <summary>Multi-segment <see cref="ReadOnlySequence{T}"/>s: what a pipe hands a parser when bytes arrive in pieces.</summary>
public static class Segments
{
    /// <summary><paramref name="data"/> as two segments, split at <paramref name="offset"/> (either may be empty).</summary>
    public static ReadOnlySequence<byte> SplitAt(byte[] data, int offset) => Chain([data[..offset], data[offset..]]);

    /// <summary>Every byte its own segment.</summary>
    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] data) => Chain([.. data.Select(static b => new[] { b })]);

    private static ReadOnlySequence<byte> Chain(byte[][] pieces)
    {
        if (pieces.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(pieces[0], runningIndex: 0);
        var last = first;
        foreach (var piece in pieces.Skip(1))
        {
            last = last.Append(piece);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
