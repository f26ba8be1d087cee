using System.IO.Pipelines;

namespace KestrelEcho.Proxy;

/// <summary>
/// Gives its first read, at once, the bytes already waiting in <paramref name="inner"/>, then reads through. A
/// pipe remembers how far its reader has examined, and its next read waits for bytes past that point, so bytes
/// the PROXY protocol middleware examined and then left for the echo would otherwise wait for the client's next
/// send. A cancelled read is the one way to get them back without new ones.
/// </summary>
internal sealed class PendingBytesPipeReader(PipeReader inner) : PipeReader
{
    private bool _handedOver;
    private volatile bool _cancelRequested;

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
        TryRead(out var result) ? new ValueTask<ReadResult>(result) : inner.ReadAsync(cancellationToken);

    public override bool TryRead(out ReadResult result)
    {
        if (!_handedOver)
        {
            _handedOver = true;
            inner.CancelPendingRead();
            if (inner.TryRead(out var pending))
            {
                // Our own cancellation is not the reader's; one it asked for meanwhile still counts.
                result = new ReadResult(pending.Buffer, _cancelRequested, pending.IsCompleted);
                return true;
            }
        }

        return inner.TryRead(out result);
    }

    public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

    public override void CancelPendingRead()
    {
        _cancelRequested = true;
        inner.CancelPendingRead();
    }

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
}
