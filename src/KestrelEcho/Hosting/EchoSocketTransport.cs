using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KestrelEcho.Hosting;

/// <summary>
/// Kestrel's socket transport as the echo service uses it. bench/BareKestrelEcho links this file, so the benchmark's
/// bare echo runs on exactly the same transport and the difference measured is the cost of our features.
/// </summary>
internal static class EchoSocketTransport
{
    // What a client that sends without reading can make us hold: this much unread input (the transport stops
    // reading from the socket past it) plus the output pipe's 64 KiB. Kestrel's default is 1 MiB, which is 1 GiB
    // for 1,000 such clients.
    public const int MaxUnreadInputBytes = 64 * 1024;

    public static WebApplicationBuilder UseEchoSocketTransport(this WebApplicationBuilder builder)
    {
        // Before any socket exists: the runtime reads its switch once, when the first socket registers.
        InlineSocketIo.EnableUnlessConfigured();

        builder.Services.UseLargeSegmentMemoryPool();
        builder.WebHost.UseSockets(static sockets =>
        {
            sockets.UnsafePreferInlineScheduling = InlineSocketIo.Enabled;
            sockets.MaxReadBufferSize = MaxUnreadInputBytes;
        });
        return builder;
    }

    /// <summary>
    /// Kestrel's transport takes its pool factory from DI. Kestrel registers its own when it is added (here,
    /// by <c>CreateSlimBuilder</c>, before this runs); whatever adds Kestrel again later must call this again.
    /// </summary>
    public static IServiceCollection UseLargeSegmentMemoryPool(this IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton<IMemoryPoolFactory<byte>, LargeSegmentMemoryPoolFactory>());
}
