using System.Net.Sockets;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Infrastructure;

/// <summary>What a client sees after <c>DELETE /connections/{id}</c>, accepted or refused.</summary>
public static class AdminCloseAssertions
{
    /// <summary>The service closed the connection: the client gets its FIN, and the reason is admin_closed.</summary>
    public static async Task AssertClosedByAdminAsync(this EchoAppFactory app, Socket client, string connectionId, CancellationToken cancellationToken)
    {
        Assert.Empty(await client.ReceiveToEndAsync(cancellationToken));
        Assert.Equal("admin_closed", await app.CloseReasonOfAsync(connectionId));
    }

    /// <summary>
    /// A refused DELETE left the connection alone: still live with no close requested, still echoing, and when the
    /// client leaves it closes as the client's doing. The DELETE requests the close before it answers, so checking
    /// after the answer leaves no window.
    /// </summary>
    public static async Task AssertStillOpenAndEchoingAsync(this EchoAppFactory app, Socket client, string connectionId, CancellationToken cancellationToken)
    {
        Assert.True(app.Registry.TryGetLive(connectionId, out var session), $"connection {connectionId} should still be live");
        Assert.Null(session.RequestedCloseReason);
        await client.AssertHolaMundoEchoedAsync(cancellationToken);

        client.Shutdown(SocketShutdown.Send);
        Assert.Empty(await client.ReceiveToEndAsync(cancellationToken));
        Assert.Equal("client_closed", await app.CloseReasonOfAsync(connectionId));
    }
}
