using System.Net;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace KestrelEcho.Tests.Echo;

/// <summary>The close reason nobody wants: a failure the echo path does not expect, closed as <c>error</c>.</summary>
public sealed class UnexpectedFailureTests : FreshAppTest
{
    [Fact]
    public async Task OutOfMemoryUnderTheEchoLoop_ClosesAsError_LoggedAndCounted_WhileOthersKeepEchoing()
    {
        using var timeout = TestTimeout.Start();
        var pool = new FailingMemoryPoolFactory();
        var app = await StartAppAsync(app => app
            .WithServices(services => services.Replace(ServiceDescriptor.Singleton<IMemoryPoolFactory<byte>>(pool)))
            .ExpectLog("ConnectionFailed"));
        using var meter = new EchoMeterRecorder(app);
        using var bystander = await app.ConnectEchoAsync(timeout.Token);
        await bystander.AssertHolaMundoEchoedAsync(timeout.Token);
        using var failing = await app.ConnectEchoAsync(timeout.Token);
        await failing.AssertHolaMundoEchoedAsync(timeout.Token);
        var failingEndPoint = (IPEndPoint)failing.LocalEndPoint!;

        // Armed only now, and for one rent: nobody else sends while it is armed (the bystander is quiet, no HTTP
        // client exists yet), so the buffer the transport rents for these bytes is the one that fails.
        pool.FailNextRent();
        await failing.SendAllAsync("Hola mundo"u8.ToArray(), timeout.Token);

        Assert.Empty(await failing.ReceiveUntilClosedAsync(timeout.Token));
        Assert.Equal("error", await app.CloseReasonOfAsync(failingEndPoint));
        Assert.Equal(1, pool.FailedRents);
        var failure = Assert.Single(app.Logs.WithEvent("ConnectionFailed"));
        Assert.Equal(LogLevel.Error, failure.Level);
        Assert.Contains(failingEndPoint.ToString(), failure.Message, StringComparison.Ordinal);

        // Kestrel's receive loop completes the pipe with the failure as it is; the echo loop's read rethrows it.
        Assert.Equal(FailingMemoryPool.FailureMessage, Assert.IsType<InsufficientMemoryException>(failure.Exception).Message);
        Assert.Equal(1, meter.ClosedAs("error"));

        await bystander.AssertHolaMundoEchoedAsync(timeout.Token);
        using var newcomer = await app.ConnectEchoAsync(timeout.Token);
        await newcomer.AssertHolaMundoEchoedAsync(timeout.Token);
        using var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health", timeout.Token)).StatusCode);
    }
}
