using System.Net.WebSockets;
using KestrelEcho.Connections;

namespace KestrelEcho.WebSockets;

/// <summary>
/// One WebSocket echo session's connection, as its <see cref="EchoSession"/> sees it, and the rule that keeps its
/// sends apart: a WebSocket takes one send at a time, and once a close frame is out, no data frame may follow. The
/// echo loop sends only between <see cref="TryBeginSend"/> and <see cref="EndSend"/>; a close the service asks for
/// (<see cref="WakeEcho"/>) sends the close frame at once while the loop waits to receive, so the loop's pending
/// receive stays and gets the client's answer; while the loop's send is held up by a client that does not read, it
/// aborts instead, as the TCP echo does. A close frame that gets no answer within the close timeout ends in an abort.
/// </summary>
internal sealed class WebSocketSessionConnection(HttpContext context, TimeSpan closeTimeout) : ISessionConnection, IDisposable
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _abort = new();
    private WebSocket? _socket;
    private bool _sending;
    private bool _closing;
    private Task _serviceClose = Task.CompletedTask;
    private CloseReason? _serviceCloseReason;

    /// <summary>Cancelling a WebSocket operation aborts the socket: this token is how the session gives up on a client.</summary>
    public CancellationToken Aborted => _abort.Token;

    /// <summary>Why the service sent (or tried to send) its close frame; null while it has not.</summary>
    public CloseReason? ServiceCloseReason
    {
        get
        {
            lock (_lock)
            {
                return _serviceCloseReason;
            }
        }
    }

    /// <summary>The upgrade is done: from now on a close request sends a close frame on <paramref name="socket"/>.</summary>
    public void OnAccepted(WebSocket socket)
    {
        lock (_lock)
        {
            _socket = socket;
        }
    }

    /// <summary>The echo may send a data frame now, unless a close frame has gone (or is going) out.</summary>
    public bool TryBeginSend()
    {
        lock (_lock)
        {
            _sending = !_closing;
            return _sending;
        }
    }

    public void EndSend()
    {
        lock (_lock)
        {
            _sending = false;
        }
    }

    public void WakeEcho(CloseReason reason) => Close(reason);

    /// <summary>The echo itself ends the session (<c>byte_limit</c>): a close frame, then the client's answer.</summary>
    public void Close(CloseReason reason)
    {
        bool abort;
        lock (_lock)
        {
            if (_closing || _socket is not { } socket)
            {
                return;
            }

            _closing = true;
            _serviceCloseReason = reason;
            abort = _sending;
            if (!abort)
            {
                _serviceClose = SendCloseAsync(socket, reason);
            }
        }

        if (abort)
        {
            // The loop's send waits on a client that does not read: a close frame would queue behind it.
            _abort.Cancel();
        }
        else
        {
            _abort.CancelAfter(closeTimeout);
        }
    }

    /// <summary>
    /// The client's close frame arrived. Answers it with the client's own status, unless the service's close frame
    /// is already out (then the handshake is complete once that send is). Returns the service's reason in that case,
    /// null when the client closed first.
    /// </summary>
    public async Task<CloseReason?> AnswerClientCloseAsync(WebSocket socket)
    {
        bool answer;
        Task serviceClose;
        lock (_lock)
        {
            answer = !_closing;
            _closing = true;
            serviceClose = _serviceClose;
        }

        if (answer)
        {
            var status = socket.CloseStatus ?? WebSocketCloseStatus.Empty;
            var description = status == WebSocketCloseStatus.Empty ? null : socket.CloseStatusDescription;
            await socket.CloseOutputAsync(status, description, Aborted);
            return null;
        }

        await serviceClose;
        return ServiceCloseReason;
    }

    /// <summary>Drops the HTTP connection: before the upgrade is done there is no WebSocket to close politely.</summary>
    public void Abort(CloseReason reason) => context.Abort();

    /// <summary>A WebSocket lives inside an HTTP request and has no socket of its own to reset: it is dropped as by <see cref="Abort"/>.</summary>
    public void Reset(CloseReason reason) => context.Abort();

    /// <summary>Waits for a close frame still being sent, so nothing writes to the connection once the request ends.</summary>
    public Task ServiceCloseSent()
    {
        lock (_lock)
        {
            return _serviceClose;
        }
    }

    public void Dispose() => _abort.Dispose();

    private async Task SendCloseAsync(WebSocket socket, CloseReason reason)
    {
        try
        {
            await socket.CloseOutputAsync(reason.ToCloseStatus(), reason.ToName(), Aborted);
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or OperationCanceledException)
        {
            // The client is gone or the close timed out: the echo loop's receive fails the same way and says so.
        }
    }
}
