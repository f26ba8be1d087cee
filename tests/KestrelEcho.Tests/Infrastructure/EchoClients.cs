using System.Net;
using System.Net.Sockets;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Infrastructure;

public static class EchoClients
{
    /// <summary>Connects to the echo endpoint (from <paramref name="source"/> when given) and proves it is echoed.</summary>
    public static async Task<Socket> ConnectAndEchoAsync(this EchoAppFactory app, CancellationToken cancellationToken, IPAddress? source = null)
    {
        var socket = await app.ConnectEchoAsync(cancellationToken, source);
        try
        {
            await socket.AssertHolaMundoEchoedAsync(cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Asserts that the service closed <paramref name="client"/> for <paramref name="reason"/> without echoing
    /// anything more: what a refusal at accept looks like.
    /// </summary>
    public static async Task AssertClosedWithoutEchoAsync(this EchoAppFactory app, Socket client, string reason, CancellationToken cancellationToken)
    {
        // The close reason first: if the client was admitted after all, this fails with a message, not a hang.
        Assert.Equal(reason, await app.CloseReasonOfAsync(client));
        Assert.Empty(await client.ReceiveToEndAsync(cancellationToken));
    }
}
