namespace KestrelEcho.Telemetry;

/// <summary>
/// Runs the Prometheus exporter against a memory buffer, then sends the buffer. The exporter holds its collection
/// while it writes a scrape's answer, so a client that asks /metrics and never reads held every other scrape until the
/// exporter's 60 s response timeout (the attack battery saw a scrape answered 408 after a minute): Prometheus's 10 s
/// scrape timeout would mark the target down. Buffered, the exporter is done in milliseconds whatever the client does,
/// and a stuck client holds only its own connection, until Kestrel's minimum response data rate drops it.
/// </summary>
internal static class BufferedScrape
{
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var body = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = body;
        }

        context.Response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(body, context.RequestAborted);
    }
}
