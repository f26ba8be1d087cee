namespace KestrelEcho.Connections;

/// <summary>
/// What the closed connections add up to: how many closed for each reason, how many were refused, the bytes they
/// moved. Added to once per connection, at its close, never per read; with a sum over the live sessions it gives
/// cumulative totals that a reader turns into rates.
/// </summary>
internal sealed class ClosedConnectionTotals
{
    private readonly long[] _byReason = new long[Enum.GetValues<CloseReason>().Length];
    private long _refused;
    private long _bytesReceived;
    private long _bytesSent;

    /// <summary>Connections closed before the echo (<see cref="EchoSession.WasRefused"/>).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public long Of(CloseReason reason) => Interlocked.Read(ref _byReason[(int)reason]);

    public void Add(EchoSession session, CloseReason reason)
    {
        Interlocked.Increment(ref _byReason[(int)reason]);
        if (session.WasRefused)
        {
            Interlocked.Increment(ref _refused);
        }

        Interlocked.Add(ref _bytesReceived, session.BytesReceived);
        Interlocked.Add(ref _bytesSent, session.BytesSent);
    }
}
