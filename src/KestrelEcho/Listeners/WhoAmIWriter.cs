using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.Json;
using KestrelEcho.Admin;
using KestrelEcho.Connections;
using KestrelEcho.Echo;
using Microsoft.AspNetCore.Connections;

namespace KestrelEcho.Listeners;

/// <summary>Writes a WhoAmI listener's first line: what the service knows of the connection once the PROXY header and TLS are done.</summary>
internal sealed class WhoAmIWriter(ServerIdentity server)
{
    private readonly WhoAmIServer _server = new(server.HostName, server.InstanceId);

    public WhoAmILine Describe(EchoSession session) => new(
        session.Id,
        session.Listener.Name,
        session.Transport.ToName(),
        EndPoint(session.RemoteEndPoint),
        EndPoint(session.LocalEndPoint),
        session.ProxyEndPoint is { } proxy
            ? new WhoAmIProxy(proxy.Address.ToString(), proxy.Port, session.ProxyVersion, ProxyTlvsView.Of(session.ProxyTlvs))
            : null,
        TlsView.Of(session.Tls),
        _server,
        session.ConnectedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));

    /// <summary>Returns false when the client was gone before it could take the line.</summary>
    public async ValueTask<bool> WriteAsync(ConnectionContext connection, EchoSession session)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(Describe(session), WhoAmIJsonContext.Default.WhoAmILine);
        var output = connection.Transport.Output;
        output.Write(line);
        output.Write("\n"u8);
        var flush = await output.FlushAsync();
        if (flush.IsCompleted)
        {
            return false;
        }

        session.OnSent(line.Length + 1);
        return true;
    }

    private static WhoAmIEndPoint? EndPoint(IPEndPoint? endPoint) =>
        endPoint is null ? null : new(endPoint.Address.ToString(), endPoint.Port);
}
