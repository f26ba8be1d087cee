using KestrelEcho.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace KestrelEcho.Echo;

/// <summary>
/// Right after tracking, before anything that costs: refuses a connection once <see cref="EchoOptions.MaxConnections"/>
/// are open, in whatever stage (a PROXY header or a TLS handshake still to come counts), or once the drain refuses.
/// Like Kestrel's own ConnectionLimitMiddleware, but the refusal is recorded on the session.
/// </summary>
internal sealed class ConnectionLimitMiddleware(ConnectionDelegate next, ConnectionAdmission admission)
{
    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        var session = connection.Features.GetRequiredFeature<EchoSession>();
        if (admission.TryEnter() is { } refusal)
        {
            session.End(refusal);
            return;
        }

        try
        {
            await next(connection);
        }
        finally
        {
            admission.Leave();
        }
    }
}
