namespace KestrelEcho.Client.Bench;

/// <summary>
/// What one connection sends, as a function of each byte's offset in its stream, so the reader can check every
/// echoed byte without keeping what was sent.
/// </summary>
internal interface IEchoPattern
{
    /// <summary>The bytes written at once, each timed from its send to the arrival of its last byte.</summary>
    int UnitSize { get; }

    void Fill(long offset, Span<byte> destination);

    /// <summary>The one line a wrong byte at <paramref name="offset"/> of the stream fails the run with.</summary>
    string Mismatch(long offset, byte sent, byte got);
}
