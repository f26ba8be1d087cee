using Microsoft.AspNetCore.Connections;

namespace KestrelEcho.Transport;

/// <summary>
/// Closes a connection with RST (SO_LINGER 0) through the transport that owns its descriptor. The epoll transport's
/// <see cref="Microsoft.AspNetCore.Connections.Features.IConnectionSocketFeature"/> socket does not own the
/// descriptor (the transport closes it, once, on its loop), so disposing that socket cannot reset the connection.
/// </summary>
internal interface IConnectionResetFeature
{
    void Reset(ConnectionAbortedException reason);
}
