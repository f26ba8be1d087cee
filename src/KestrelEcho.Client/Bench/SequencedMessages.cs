using System.Buffers.Binary;
using KestrelEcho.Client.Exchange;

namespace KestrelEcho.Client.Bench;

/// <summary>
/// Messages of one connection: random bytes fixed per connection, the first eight replaced by the message's
/// sequence number (from 1), so an echo that replays or reorders messages is caught as well as a corrupted byte.
/// </summary>
internal sealed class SequencedMessages : IEchoPattern
{
    private readonly byte[] _template;

    private readonly int _connection;

    private readonly string _owner;

    private readonly string _unit;

    /// <summary><paramref name="owner"/> and <paramref name="unit"/> name them in a mismatch: UDP has sockets and datagrams.</summary>
    public SequencedMessages(int size, int connection, string owner = "connection", string unit = "message")
    {
        _template = new byte[size];
        new Random(connection).NextBytes(_template);
        _connection = connection;
        _owner = owner;
        _unit = unit;
    }

    public int UnitSize => _template.Length;

    public void Fill(long offset, Span<byte> destination)
    {
        Span<byte> sequence = stackalloc byte[sizeof(long)];
        while (!destination.IsEmpty)
        {
            var position = (int)(offset % _template.Length);
            var count = Math.Min(destination.Length, _template.Length - position);
            _template.AsSpan(position, count).CopyTo(destination);
            if (_template.Length >= sizeof(long) && position < sizeof(long))
            {
                BinaryPrimitives.WriteInt64LittleEndian(sequence, (offset / _template.Length) + 1);
                var overlap = sequence[position..Math.Min(sizeof(long), position + count)];
                overlap.CopyTo(destination);
            }

            destination = destination[count..];
            offset += count;
        }
    }

    public string Mismatch(long offset, byte sent, byte got) =>
        $"{EchoComparison.Mismatch(offset % _template.Length, sent, got)} ({Name(offset)})";

    /// <summary>Which connection and message the byte at <paramref name="offset"/> belongs to, for an error line.</summary>
    public string Name(long offset) => $"{_owner} {_connection}, {_unit} {(offset / _template.Length) + 1}";
}
