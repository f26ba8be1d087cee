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

    /// <summary>
    /// Reads until the service's FIN, as <see cref="SocketExtensions.ReceiveToEndAsync"/>, but fails saying
    /// <paramref name="why"/> the FIN was due when none comes within <paramref name="within"/>, rather than with a
    /// bare cancellation when the test's time is up.
    /// </summary>
    public static async Task<byte[]> ReceiveToEndWithinAsync(this Socket socket, TimeSpan within, string why, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(within);
        try
        {
            return await socket.ReceiveToEndAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"Not closed within {within.TotalSeconds:0.#} s, though {why}.");
            throw;
        }
    }
}
