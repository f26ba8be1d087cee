using System.Globalization;
using System.Net;
using BareKestrelEcho;
using Microsoft.AspNetCore.Connections;

// Usage: BareKestrelEcho PORT [ADDRESS]   (ADDRESS defaults to 127.0.0.1)
var port = int.Parse(args[0], CultureInfo.InvariantCulture);
var address = args.Length > 1 ? IPAddress.Parse(args[1]) : IPAddress.Loopback;

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
    kestrel.Listen(address, port, listen => listen.UseConnectionHandler<EchoHandler>()));

await builder.Build().RunAsync();
