using KestrelEcho.Admin;
using KestrelEcho.Dashboard;
using KestrelEcho.Echo;
using KestrelEcho.Health;
using KestrelEcho.History;
using KestrelEcho.Hosting;
using KestrelEcho.Listeners;
using KestrelEcho.Net;
using KestrelEcho.Ops;
using KestrelEcho.Telemetry;
using KestrelEcho.Tls;
using KestrelEcho.Udp;
using KestrelEcho.WebSockets;
using Microsoft.Extensions.Logging.Console;

OpenFileLimit.RaiseSoftToHard();

var builder = WebApplication.CreateSlimBuilder(args);

builder.Services
    .AddEcho()
    .AddEchoTls()
    .AddOps()
    .AddAdmin()
    .AddDashboard()
    .AddEchoHealthChecks()
    .AddEchoTelemetry()
    .AddEchoWebSockets()
    .AddHistory()
    .AddEchoUdp()
    .AddListeners();
builder.ConfigureListenEndpoints();

// Under systemd (deploy/systemd): READY=1 once listening and STOPPING=1 on SIGTERM for Type=notify, and log lines
// in the journal's format. Elsewhere it changes nothing.
builder.Services.AddSystemd();

// The host logs a failed start with its whole exception. Below, a failure the operator caused becomes one
// line naming the setting, and any other still ends the process with its stack trace, so nothing is lost.
builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);

// Connection logs are written from the socket event threads (InlineSocketIo). When the console cannot keep up,
// dropping lines (the logger counts what it dropped) is better than stalling every connection behind a full queue.
builder.Services.Configure<ConsoleLoggerOptions>(console => console.QueueFullMode = ConsoleLoggerQueueFullMode.DropWrite);

ListenEndpoints? endpoints = null;
try
{
    var app = builder.Build();
    endpoints = app.Services.GetRequiredService<ListenEndpoints>();
    app.UseAdminPort();
    app.MapOpsEndpoints();
    await app.RunAsync();
    return 0;
}
catch (Exception exception) when (StartupFailure.TryDescribe(exception, endpoints, out var message))
{
    await Console.Error.WriteLineAsync($"kestrel-echo: {message}");
    return 1;
}
