using System.Buffers;

namespace KestrelEcho.Tests.Infrastructure;

/// <summary>A pool that rents from the service's own unless its <see cref="FailingMemoryPoolFactory"/> is armed.</summary>
internal sealed class FailingMemoryPool(MemoryPool<byte> service, FailingMemoryPoolFactory factory) : MemoryPool<byte>
{
    public const string FailureMessage = "Injected failure: out of memory for a pipe buffer.";

    public override int MaxBufferSize => service.MaxBufferSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1) =>
        factory.TakeFailure() ? throw new InsufficientMemoryException(FailureMessage) : service.Rent(minBufferSize);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            service.Dispose();
        }
    }
}
