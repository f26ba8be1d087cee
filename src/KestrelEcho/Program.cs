using KestrelEcho.Echo;
using KestrelEcho.Health;
using KestrelEcho.Hosting;
using KestrelEcho.Ops;
using KestrelEcho.Telemetry;

var builder = WebApplication.CreateSlimBuilder(args);

builder.Services
    .AddEcho()
    .AddOps()
    .AddEchoHealthChecks()
    .AddEchoTelemetry();
builder.ConfigureListenEndpoints();

WebApplication? app = null;
try
{
    app = builder.Build();
    app.MapOpsEndpoints();
    await app.RunAsync();
    return 0;
}
catch (Exception exception) when (StartupFailure.TryDescribe(exception, app?.Services.GetService<ListenEndpoints>(), out var message))
{
    await Console.Error.WriteLineAsync($"kestrel-echo: {message}");
    return 1;
}
