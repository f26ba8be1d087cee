using System.Threading.Tasks.Sources;

namespace KestrelEcho.Transport;

/// <summary>
/// What a connection's send loop awaits when the socket is full: one reusable awaitable, completed by the event loop
/// on <c>EPOLLOUT</c> (or with an exception when the connection is aborted). The continuation runs inline on the
/// event loop, so the send resumes without a thread hop and without an allocation per wait.
/// </summary>
internal sealed class EpollWritableSignal : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core;

    public ValueTask Reset()
    {
        _core.Reset();
        return new ValueTask(this, _core.Version);
    }

    public void Signal() => _core.SetResult(true);

    public void Fail(Exception error) => _core.SetException(error);

    public void GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
