using Microsoft.AspNetCore.WebUtilities;

namespace KestrelEcho.Telemetry;

/// <summary>
/// Renders each <c>/metrics</c> answer into memory before any of it goes to the network. The exporter renders into
/// one shared buffer and starts the next collection only when every response still reading that buffer has been
/// written: a client that asks and never reads would otherwise hold every later scrape, Prometheus's included, for
/// as long as Kestrel lets it dawdle (240 bytes/s, minutes for one answer). Buffered, the exporter is done with its
/// buffer at once, and a slow reader holds only its own copy.
/// </summary>
internal static class ScrapeResponseBuffering
{
    /// <summary>
    /// Never spill to a file: the container's root filesystem is read-only, and the exported series are a small,
    /// bounded set (tens of kilobytes). The stream's memory comes from pooled pages, never one large array.
    /// </summary>
    private const int NeverToDisk = int.MaxValue;

    /// <summary>Goes in front of the exporter, in the scrape endpoint's own pipeline.</summary>
    public static void Configure(IApplicationBuilder scrape) => scrape.Use(static async (context, next) =>
    {
        var response = context.Response;
        var network = response.Body;
        await using var rendered = new FileBufferingWriteStream(NeverToDisk);
        response.Body = rendered;
        try
        {
            await next(context);
        }
        finally
        {
            response.Body = network;
        }

        response.ContentLength = rendered.Length;
        await rendered.DrainBufferAsync(network, context.RequestAborted);
    });
}
