using System.Net;
using System.Net.Sockets;
using KestrelEcho.Connections;
using KestrelEcho.Net;

namespace KestrelEcho.Testing;

public static class CloseReasons
{
    /// <summary>
    /// Waits until the service has closed <paramref name="client"/>'s connection (found by the client's own
    /// endpoint, newest first) and returns its close reason.
    /// </summary>
    public static Task<string> CloseReasonOfAsync(this EchoAppFactory app, Socket client) =>
        app.CloseReasonOfAsync((IPEndPoint)client.LocalEndPoint!);

    /// <summary>
    /// As above, for the connection the service knows as coming from <paramref name="clientEndPoint"/>: the
    /// client a PROXY protocol header named, or else the socket's own end.
    /// </summary>
    public static async Task<string> CloseReasonOfAsync(this EchoAppFactory app, IPEndPoint clientEndPoint)
    {
        EchoSession? closed = null;
        await Poll.UntilAsync(
            () => (closed = app.ClosedSessions().Find(session => clientEndPoint.Equals(session.RemoteEndPoint))) is not null,
            TimeSpan.FromSeconds(15),
            $"the connection from {clientEndPoint} to close");
        return closed!.CloseReason!.Value.ToName();
    }

    /// <summary>
    /// Waits until the service has closed the connection it knows as <paramref name="connectionId"/> (live, then
    /// among the recent ones) and returns its close reason.
    /// </summary>
    public static async Task<string> CloseReasonOfAsync(this EchoAppFactory app, string connectionId)
    {
        CloseReason? reason = null;
        await Poll.UntilAsync(
            () => (reason = app.Registry.Find(connectionId)?.CloseReason) is not null,
            TimeSpan.FromSeconds(15),
            $"connection {connectionId} to close");
        return reason!.Value.ToName();
    }
}
