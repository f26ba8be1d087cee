using KestrelEcho.Client.Exchange;

namespace KestrelEcho.Client.Bench;

/// <summary>
/// A connection's stream: random bytes, fixed per connection, repeating every 65,521 bytes. The period is
/// prime, so a lost, repeated or reordered write of any usual size shifts the pattern and is caught.
/// </summary>
internal sealed class RepeatingPattern : IEchoPattern
{
    private const int Period = 65_521;

    private readonly byte[] _period = new byte[Period];

    private readonly int _connection;

    public RepeatingPattern(int writeSize, int connection)
    {
        new Random(connection).NextBytes(_period);
        UnitSize = writeSize;
        _connection = connection;
    }

    public int UnitSize { get; }

    public void Fill(long offset, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            var position = (int)(offset % Period);
            var count = Math.Min(destination.Length, Period - position);
            _period.AsSpan(position, count).CopyTo(destination);
            destination = destination[count..];
            offset += count;
        }
    }

    public string Mismatch(long offset, byte sent, byte got) => $"{EchoComparison.Mismatch(offset, sent, got)} (connection {_connection})";
}
