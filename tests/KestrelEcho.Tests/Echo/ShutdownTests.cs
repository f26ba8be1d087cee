using KestrelEcho.Testing;
using Microsoft.Extensions.Logging;

namespace KestrelEcho.Tests.Echo;

/// <summary>Each test stops its own app, so none shares a fixture.</summary>
public sealed class ShutdownTests : FreshAppTest
{
    // Far below the host's 30 s shutdown timeout, which a loop deaf to shutdown would run into.
    private static readonly TimeSpan s_promptStop = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task StoppingTheHost_WithAClientConnected_IsPrompt_AndTheClientSeesEndOfStream()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync();
        using var socket = await app.ConnectEchoAsync(timeout.Token);
        await socket.AssertHolaMundoEchoedAsync(timeout.Token);
        var logs = app.Logs;

        await app.DisposeAsync().AsTask().WaitAsync(s_promptStop, timeout.Token);

        var tail = await socket.ReceiveToEndAsync(timeout.Token);
        Assert.Empty(tail);
        Assert.Contains(logs.WithEvent("ConnectionClosed"), entry => entry.Message.Contains("server_shutdown", StringComparison.Ordinal));
        Assert.Empty(logs.AtOrAbove(LogLevel.Warning));
    }

    [Fact]
    public async Task StoppingTheHost_WhileAClientWithholdsReads_IsStillPrompt()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync();
        using var socket = await app.ConnectEchoAsync(timeout.Token);

        // Fill every buffer between us and the server's flush, so its echo loop is parked in FlushAsync.
        await socket.SendUntilBlockedAsync(static (_, _) => { }, TimeSpan.FromSeconds(1), long.MaxValue, timeout.Token);
        var logs = app.Logs;

        await app.DisposeAsync().AsTask().WaitAsync(s_promptStop, timeout.Token);

        Assert.Contains(logs.WithEvent("ConnectionClosed"), entry => entry.Message.Contains("server_shutdown", StringComparison.Ordinal));
        Assert.Empty(logs.AtOrAbove(LogLevel.Warning));
    }
}
