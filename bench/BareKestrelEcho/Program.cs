using System.Globalization;
using System.Net;
using BareKestrelEcho;
using KestrelEcho.Hosting;
using KestrelEcho.Transport;
using Microsoft.AspNetCore.Connections;

// Usage: BareKestrelEcho PORT [--tuned | --epoll]
//   Kestrel as it comes, or with --tuned the socket transport set up exactly as KestrelEcho sets it up (inline
//   completions and scheduling, 64 KiB read buffers, 64 KiB unread-input bound), so the two differ only by
//   KestrelEcho's features; with --epoll KestrelEcho's own epoll transport (KestrelEcho.Transport).
var port = int.Parse(args[0], CultureInfo.InvariantCulture);
var tuned = args.Contains("--tuned");
var epoll = args.Contains("--epoll");

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
if (tuned)
{
    builder.UseEchoSocketTransport();
}

// Registered after Kestrel's sockets transport, so Kestrel asks it first; it binds only what is claimed.
var epollTransport = new EpollTransportFactory(new LargeSegmentMemoryPoolFactory());
if (epoll)
{
    builder.Services.AddSingleton<IConnectionListenerFactory>(epollTransport);
}

builder.WebHost.ConfigureKestrel(kestrel =>
    kestrel.Listen(IPAddress.Loopback, port, listen =>
    {
        listen.UseConnectionHandler<EchoHandler>();
        epollTransport.Claim(listen.EndPoint);
    }));

await builder.Build().RunAsync();
