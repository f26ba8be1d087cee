using KestrelEcho.Connections;
using KestrelEcho.Echo;
using KestrelEcho.Health;
using KestrelEcho.Hosting;
using KestrelEcho.Testing;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Tests.Hosting;

/// <summary>The socket transport set-up the benchmarks measured (bench/results): inline I/O, 64 KiB reads.</summary>
public sealed class EchoSocketTransportTests : FreshAppTest
{
    [Fact]
    public async Task TheService_RunsOnTheEchoTransport()
    {
        var app = await StartAppAsync();

        var sockets = app.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
        Assert.Equal(InlineSocketIo.Enabled, sockets.UnsafePreferInlineScheduling);
        Assert.Equal(EchoSocketTransport.MaxUnreadInputBytes, sockets.MaxReadBufferSize);
        Assert.IsType<LargeSegmentMemoryPoolFactory>(app.Services.GetRequiredService<IMemoryPoolFactory<byte>>());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(LargeSegmentMemoryPool.SegmentSize)]
    [InlineData(100_000)]
    public void Rent_GivesAtLeastOneSegment(int minimumSize)
    {
        using var pool = new LargeSegmentMemoryPool();
        using var owner = pool.Rent(minimumSize);

        Assert.True(owner.Memory.Length >= Math.Max(minimumSize, LargeSegmentMemoryPool.SegmentSize));
    }

    [Fact]
    public void DisposedSegment_IsTheNextOneRented_OwnerAndBuffer()
    {
        using var pool = new LargeSegmentMemoryPool();
        var first = pool.Rent();
        var buffer = first.Memory;
        first.Dispose();

        using var second = pool.Rent();

        Assert.Same(first, second);
        Assert.True(buffer.Span == second.Memory.Span, "the second rent got another buffer");
        Assert.Equal(0, pool.Retained);
    }

    [Fact]
    public void SegmentDisposedTwice_GoesBackOnce()
    {
        using var pool = new LargeSegmentMemoryPool();
        var segment = pool.Rent();

        segment.Dispose();
        segment.Dispose();

        Assert.Equal(1, pool.Retained);
        Assert.Throws<ObjectDisposedException>(() => segment.Memory);
        using var first = pool.Rent();
        using var second = pool.Rent();
        Assert.NotSame(first, second);
    }

    [Fact]
    public void ABurstOfRents_LeavesAtMostMaxRetainedSegmentsBehind()
    {
        using var pool = new LargeSegmentMemoryPool();
        var burst = Enumerable.Range(0, LargeSegmentMemoryPool.MaxRetainedSegments + 10).Select(_ => pool.Rent()).ToList();

        burst.ForEach(static segment => segment.Dispose());

        Assert.Equal(LargeSegmentMemoryPool.MaxRetainedSegments, pool.Retained);
        var again = Enumerable.Range(0, LargeSegmentMemoryPool.MaxRetainedSegments + 10).Select(_ => pool.Rent()).ToList();
        Assert.Equal(LargeSegmentMemoryPool.MaxRetainedSegments, again.Count(burst.Contains));
        Assert.Equal(0, pool.Retained);
    }
}
