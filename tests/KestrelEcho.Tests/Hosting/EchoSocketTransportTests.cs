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
}
