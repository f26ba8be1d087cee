namespace KestrelEcho.Client.WhoAmI;

/// <summary>
/// The first line a server sends, read without sending anything: the bytes up to the first "\n" (without it), or why
/// there is none. <see cref="Complete"/> is false when the server closed first or the line outgrew the bound.
/// </summary>
internal sealed record FirstLine(byte[] Bytes, bool Complete, bool Closed)
{
    /// <summary>
    /// Reads until the first "\n", at most <paramref name="maximum"/> bytes: a server that never sends one (a banner
    /// without end, a stream of bytes) must not make us buffer without bound. Cancellation is the caller's timeout.
    /// </summary>
    public static async Task<FirstLine> ReadAsync(Stream stream, int maximum, CancellationToken cancellationToken)
    {
        var buffer = new byte[maximum];
        var count = 0;
        while (count < maximum)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(count), cancellationToken);
            if (read == 0)
            {
                return new FirstLine(buffer[..count], Complete: false, Closed: true);
            }

            var newline = buffer.AsSpan(count, read).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                return new FirstLine(buffer[..(count + newline)], Complete: true, Closed: false);
            }

            count += read;
        }

        return new FirstLine(buffer, Complete: false, Closed: false);
    }
}
