using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using KestrelEcho.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace KestrelEcho.Proxy;

/// <summary>
/// The PROXY protocol layer, after tracking and the global limit, before the per-client limit and TLS: reads a
/// trusted proxy's header and makes the client it names the session's client, so <c>/connections</c>, logs,
/// per-client limits and close reasons see the client rather than the balancer. A connection it refuses records why
/// on its session and goes no further; the tracking layer outside closes, counts and summarizes it.
/// </summary>
internal sealed partial class ProxyProtocolMiddleware(
    ConnectionDelegate next,
    ProxyProtocolMode mode,
    TrustedProxies trustedProxies,
    TimeSpan headerTimeout,
    TimeProvider timeProvider,
    ILogger<ProxyProtocolMiddleware> logger)
{
    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        var session = connection.Features.GetRequiredFeature<EchoSession>();
        var peer = session.RemoteEndPoint;
        if (!trustedProxies.Contains(peer?.Address))
        {
            if (mode == ProxyProtocolMode.Optional)
            {
                // Not a proxy we believe: whatever it sends, a header included, is echoed as data.
                await next(connection);
                return;
            }

            LogUntrustedPeer(logger, connection.ConnectionId, peer);
            session.End(CloseReason.UntrustedProxy);
            return;
        }

        session.EnterStage(ConnectionStage.ProxyHeader, timeProvider.GetTimestamp());
        if (await ReadHeaderAsync(connection, session, peer) is { } refusal)
        {
            session.End(refusal);
            return;
        }

        await next(connection);
    }

    /// <summary>Consumes the header, if any, and applies it; returns the close reason when the connection must be refused.</summary>
    private async Task<CloseReason?> ReadHeaderAsync(ConnectionContext connection, EchoSession session, IPEndPoint? peer)
    {
        var input = connection.Transport.Input;

        // A service that stops, or an admin who closes the connection, aborts it (EchoSession.RequestClose).
        using var deadline = new CancellationTokenSource(headerTimeout, timeProvider);

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
                        Apply(connection, session, header, peer);
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
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && session.RequestedCloseReason is null)
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

    private void Apply(ConnectionContext connection, EchoSession session, ProxyHeader header, IPEndPoint? peer)
    {
        if (!header.HasAddresses)
        {
            LogHeaderWithoutAddresses(logger, connection.ConnectionId, peer, header.Version);
            return;
        }

        // The connection's own endpoints stay Kestrel's: Kestrel's meter tags each connection with its local port when
        // it opens and again when it closes, so replacing it would leave kestrel.active_connections counting up on our
        // port and down on the header's. The session is what everything of ours reads.
        session.OnProxyHeader(header.Version, header.Source!, header.Destination, header.Tlvs);
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
}
