using System.Net;
using System.Net.Sockets;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Infrastructure;

/// <summary>What a client sees after <c>DELETE /connections/{id}</c>, accepted or refused.</summary>
public static class AdminCloseAssertions
{
    /// <summary>
    /// Connects a client, finds its id with <paramref name="lister"/> (a client allowed to list connections), sends
    /// <c>DELETE /connections/{id}</c> with <paramref name="deleter"/> and expects <paramref name="expected"/>: 202
    /// must close the client as admin_closed, any other answer must leave it alone.
    /// </summary>
    public static async Task AssertDeleteAsync(this EchoAppFactory app, HttpClient lister, HttpClient deleter, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        using var client = await app.ConnectEchoAsync(cancellationToken);
        var id = await lister.LiveConnectionIdAsync(client, cancellationToken);

        using var response = await deleter.DeleteAsync($"/connections/{id}", cancellationToken);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Accepted)
        {
            await app.AssertClosedByAdminAsync(client, id, cancellationToken);
        }
        else
        {
            await app.AssertStillOpenAndEchoingAsync(client, id, cancellationToken);
        }
    }

    /// <summary>The service closed the connection: the client gets its FIN, and the reason is admin_closed.</summary>
    private static async Task AssertClosedByAdminAsync(this EchoAppFactory app, Socket client, string connectionId, CancellationToken cancellationToken)
    {
        Assert.Empty(await client.ReceiveToEndAsync(cancellationToken));
        Assert.Equal("admin_closed", await app.CloseReasonOfAsync(connectionId));
    }

    /// <summary>
    /// A refused DELETE left the connection alone: still live with no close requested, still echoing, and when the
    /// client leaves it closes as the client's doing. The DELETE requests the close before it answers, so checking
    /// after the answer leaves no window.
    /// </summary>
    private static async Task AssertStillOpenAndEchoingAsync(this EchoAppFactory app, Socket client, string connectionId, CancellationToken cancellationToken)
    {
        Assert.True(app.Registry.TryGetLive(connectionId, out var session), $"connection {connectionId} should still be live");
        Assert.Null(session.RequestedCloseReason);
        await client.AssertHolaMundoEchoedAsync(cancellationToken);

        client.Shutdown(SocketShutdown.Send);
        Assert.Empty(await client.ReceiveToEndAsync(cancellationToken));
        Assert.Equal("client_closed", await app.CloseReasonOfAsync(connectionId));
    }
}
