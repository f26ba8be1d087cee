namespace KestrelEcho.Client.Bench;

/// <summary>
/// Running totals every worker adds to, warm-up included: what the progress line shows, and the errors the
/// result reports. Errors are connections that were refused, reset, closed early or timed out; the first one
/// is kept, worded for the user.
/// </summary>
internal sealed class BenchCounters
{
    private long _messages;
    private long _bytes;
    private long _connects;
    private long _open;
    private long _errors;
    private string? _firstError;

    public long Messages => Interlocked.Read(ref _messages);

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Connects => Interlocked.Read(ref _connects);

    public long Open => Interlocked.Read(ref _open);

    public long Errors => Interlocked.Read(ref _errors);

    public string? FirstError => Volatile.Read(ref _firstError);

    public void Echoed(long bytes)
    {
        Interlocked.Increment(ref _messages);
        Interlocked.Add(ref _bytes, bytes);
    }

    public void Connected()
    {
        Interlocked.Increment(ref _connects);
        Interlocked.Increment(ref _open);
    }

    public void Disconnected() => Interlocked.Decrement(ref _open);

    public void Error(string why)
    {
        Interlocked.CompareExchange(ref _firstError, why, null);
        Interlocked.Increment(ref _errors);
    }
}
