using KestrelEcho.Connections;
using KestrelEcho.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace KestrelEcho.Echo;

/// <summary>
/// After the PROXY header, before TLS: refuses a connection whose client network already has
/// <see cref="EchoOptions.MaxConnectionsPerIp"/> open. It counts the client the header named, never the balancer,
/// and a network (<see cref="EchoOptions.ClientPrefixV6"/>), not an address, so one IPv6 /64 is one client.
/// </summary>
internal sealed class ClientLimitMiddleware(ConnectionDelegate next, ConnectionAdmission admission, EchoSettings settings)
{
    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        var session = connection.Features.GetRequiredFeature<EchoSession>();
        var limits = settings.Current;
        if (limits.MaxConnectionsPerIp == 0 || session.RemoteEndPoint?.Address is not { } address)
        {
            await next(connection);
            return;
        }

        // Taken once: the same network is released however the prefix settings change meanwhile.
        var client = ClientPrefix.Of(address, limits.ClientPrefixV4, limits.ClientPrefixV6);
        if (!admission.TryAddClientConnection(client, limits.MaxConnectionsPerIp))
        {
            session.End(CloseReason.PerIpLimit);
            return;
        }

        try
        {
            await next(connection);
        }
        finally
        {
            admission.RemoveClientConnection(client);
        }
    }
}
