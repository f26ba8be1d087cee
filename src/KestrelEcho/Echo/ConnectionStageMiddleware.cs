using KestrelEcho.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace KestrelEcho.Echo;

/// <summary>
/// Marks the stage a connection enters with the next layer, for a layer that is not ours (Kestrel's TLS), so
/// <c>/connections</c> shows it and the tracking layer can tell why it ended.
/// </summary>
internal sealed class ConnectionStageMiddleware(ConnectionDelegate next, ConnectionStage stage, TimeProvider timeProvider)
{
    public Task OnConnectedAsync(ConnectionContext connection)
    {
        connection.Features.GetRequiredFeature<EchoSession>().EnterStage(stage, timeProvider.GetTimestamp());
        return next(connection);
    }
}
