namespace KestrelEcho.Client.Exchange;

/// <summary>How every command words a wrong echo, so scripts can match one phrasing.</summary>
internal static class EchoComparison
{
    public static string Mismatch(long offset, byte sent, byte got) => $"mismatch at byte {offset} (sent 0x{sent:x2}, got 0x{got:x2})";

    public static string Short(long received, long sent) => $"closed after {received} of {sent} bytes";

    /// <summary>Compares a whole conversation once it is over; null when the echo was exact.</summary>
    public static string? Compare(ReadOnlySpan<byte> sent, ReadOnlySpan<byte> received)
    {
        var same = sent.CommonPrefixLength(received);
        if (same < sent.Length && same < received.Length)
        {
            return Mismatch(same, sent[same], received[same]);
        }

        if (received.Length < sent.Length)
        {
            return Short(received.Length, sent.Length);
        }

        return received.Length > sent.Length ? $"{received.Length - sent.Length} more bytes came back than were sent" : null;
    }
}
