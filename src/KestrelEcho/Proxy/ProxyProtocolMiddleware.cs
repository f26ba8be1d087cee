using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using KestrelEcho.Echo;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace KestrelEcho.Proxy;

/// <summary>
/// Connection middleware in front of the echo handler (and in front of TLS on the TLS echo endpoint): reads a
/// trusted proxy's PROXY protocol header and makes the client it names the connection's remote endpoint, so
/// <c>/connections</c>, logs, per-address limits and close reasons see the client rather than the balancer.
/// A connection it refuses still goes through the echo handler's bookkeeping
/// (<see cref="EchoConnectionHandler.RefuseAsync"/>): counted, logged and listed like every other.
/// </summary>
internal sealed partial class ProxyProtocolMiddleware(
    ConnectionDelegate next,
    ProxyProtocolMode mode,
    TrustedProxies trustedProxies,
    TimeSpan headerTimeout,
    EchoConnectionHandler handler,
    TimeProvider timeProvider,
    ILogger<ProxyProtocolMiddleware> logger)
{
    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        var peer = ConnectionRegistry.Normalize(connection.RemoteEndPoint as IPEndPoint);
        if (!trustedProxies.Contains(peer?.Address))
        {
            if (mode == ProxyProtocolMode.Optional)
            {
                // Not a proxy we believe: whatever it sends, a header included, is echoed as data.
                await next(connection);
                return;
            }

            LogUntrustedPeer(logger, connection.ConnectionId, peer);
            await handler.RefuseAsync(connection, CloseReason.UntrustedProxy);
            return;
        }

        var accepted = new ProxyProtocolFeature(timeProvider.GetUtcNow(), timeProvider.GetTimestamp());
        connection.Features.Set(accepted);
        if (await ReadHeaderAsync(connection, peer, accepted) is { } refusal)
        {
            await handler.RefuseAsync(connection, refusal);
            return;
        }

        await next(connection);
    }

    /// <summary>Consumes the header, if any, and applies it; returns the close reason when the connection must be refused.</summary>
    private async Task<CloseReason?> ReadHeaderAsync(ConnectionContext connection, IPEndPoint? peer, ProxyProtocolFeature accepted)
    {
        var input = connection.Transport.Input;

        // At shutdown Kestrel asks every connection to close; one still waiting for its header goes at once.
        var closeRequested = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested
            ?? CancellationToken.None;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(closeRequested);
        deadline.CancelAfter(headerTimeout);

        var status = ProxyHeaderStatus.IncompleteSignature;
        var buffered = 0L;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(deadline.Token);
                var buffer = result.Buffer;
                buffered = buffer.Length;
                status = ProxyHeaderParser.Parse(buffer, out var consumed, out var header, out var error);
                switch (status)
                {
                    case ProxyHeaderStatus.Parsed:
                        // Whatever came after the header in the same read stays in the pipe for the echo.
                        input.AdvanceTo(consumed);
                        Apply(connection, header, peer, accepted);
                        return null;

                    case ProxyHeaderStatus.NoSignature when mode == ProxyProtocolMode.Optional:
                        // Nothing consumed and nothing examined: the next reader gets these bytes at once.
                        input.AdvanceTo(buffer.Start);
                        return null;

                    case ProxyHeaderStatus.NoSignature:
                        input.AdvanceTo(buffer.End);
                        LogRejected(logger, connection.ConnectionId, peer, "no PROXY protocol header, and Echo:ProxyProtocol is Required");
                        return CloseReason.ProxyProtocolError;

                    case ProxyHeaderStatus.Invalid:
                        input.AdvanceTo(buffer.End);
                        LogRejected(logger, connection.ConnectionId, peer, error!);
                        return CloseReason.ProxyProtocolError;
                }

                if (result.IsCompleted)
                {
                    return EndedBeforeTheHeader(connection, peer, status, buffer, input);
                }

                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (OperationCanceledException) when (closeRequested.IsCancellationRequested)
        {
            return CloseReason.ServerShutdown;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            if (mode == ProxyProtocolMode.Optional && status == ProxyHeaderStatus.IncompleteSignature)
            {
                // Silent, or slow, but not a header so far: plain echo, starting with what it already sent.
                if (buffered > 0)
                {
                    connection.Transport = new DuplexPipe(new PendingBytesPipeReader(input), connection.Transport.Output);
                }

                return null;
            }

            LogTimedOut(logger, connection.ConnectionId, peer, headerTimeout.TotalSeconds);
            return CloseReason.ProxyProtocolTimeout;
        }
        catch (ConnectionResetException)
        {
            return CloseReason.ClientReset;
        }
        catch (OperationCanceledException)
        {
            // ConnectionAbortedException: the transport gave up on the socket.
            return CloseReason.ClientReset;
        }
        catch (Exception exception)
        {
            LogFailed(logger, connection.ConnectionId, peer, exception);
            return CloseReason.Error;
        }
    }

    /// <summary>The peer sent FIN before a whole header.</summary>
    private CloseReason? EndedBeforeTheHeader(ConnectionContext connection, IPEndPoint? peer, ProxyHeaderStatus status, in ReadOnlySequence<byte> buffer, PipeReader input)
    {
        if (mode == ProxyProtocolMode.Optional && status == ProxyHeaderStatus.IncompleteSignature)
        {
            // "PRO" then FIN is three bytes of echo, not a broken header: the echo sends them back, then its FIN.
            input.AdvanceTo(buffer.Start);
            return null;
        }

        input.AdvanceTo(buffer.End);
        if (buffer.IsEmpty)
        {
            // Connect and close, as a load balancer's TCP health check does: not a protocol error.
            return CloseReason.ClientClosed;
        }

        LogRejected(logger, connection.ConnectionId, peer, "the connection ended before the whole PROXY protocol header");
        return CloseReason.ProxyProtocolError;
    }

    private void Apply(ConnectionContext connection, ProxyHeader header, IPEndPoint? peer, ProxyProtocolFeature accepted)
    {
        if (!header.HasAddresses)
        {
            LogHeaderWithoutAddresses(logger, connection.ConnectionId, peer, header.Version);
            return;
        }

        accepted.ProxyEndPoint = peer;
        accepted.DestinationEndPoint = header.Destination;
        connection.RemoteEndPoint = header.Source;

        // The connection's LocalEndPoint stays Kestrel's own: Kestrel's meter tags each connection with its local
        // port when it opens and again when it closes, so replacing it would leave kestrel.active_connections
        // counting up on our port and down on the header's.
        LogHeaderApplied(logger, connection.ConnectionId, peer, header.Version, header.Source, header.Destination);
    }

    [LoggerMessage(1, LogLevel.Debug, "Connection {ConnectionId} from proxy {ProxyEndPoint}: PROXY v{Version} header for client {ClientEndPoint} to {DestinationEndPoint}", EventName = "ProxyHeaderApplied")]
    private static partial void LogHeaderApplied(ILogger logger, string connectionId, IPEndPoint? proxyEndPoint, int version, IPEndPoint? clientEndPoint, IPEndPoint? destinationEndPoint);

    [LoggerMessage(2, LogLevel.Debug, "Connection {ConnectionId} from proxy {ProxyEndPoint}: PROXY v{Version} header without client addresses (LOCAL, UNKNOWN or not TCP); keeping the connection's own", EventName = "ProxyHeaderWithoutAddresses")]
    private static partial void LogHeaderWithoutAddresses(ILogger logger, string connectionId, IPEndPoint? proxyEndPoint, int version);

    [LoggerMessage(3, LogLevel.Debug, "Connection {ConnectionId} from {RemoteEndPoint} refused: {Problem}", EventName = "ProxyHeaderRejected")]
    private static partial void LogRejected(ILogger logger, string connectionId, IPEndPoint? remoteEndPoint, string problem);

    [LoggerMessage(4, LogLevel.Debug, "Connection {ConnectionId} from {RemoteEndPoint} refused: no whole PROXY protocol header within {TimeoutSeconds} s", EventName = "ProxyHeaderTimedOut")]
    private static partial void LogTimedOut(ILogger logger, string connectionId, IPEndPoint? remoteEndPoint, double timeoutSeconds);

    [LoggerMessage(5, LogLevel.Debug, "Connection {ConnectionId} from {RemoteEndPoint} refused: not in Echo:TrustedProxies, and Echo:ProxyProtocol is Required", EventName = "UntrustedProxy")]
    private static partial void LogUntrustedPeer(ILogger logger, string connectionId, IPEndPoint? remoteEndPoint);

    [LoggerMessage(6, LogLevel.Error, "Connection {ConnectionId} from {RemoteEndPoint} failed while reading its PROXY protocol header", EventName = "ProxyHeaderFailed")]
    private static partial void LogFailed(ILogger logger, string connectionId, IPEndPoint? remoteEndPoint, Exception exception);
}
