using System.Buffers.Binary;
using System.Buffers.Text;

namespace KestrelEcho.History;

/// <summary>
/// Where a page of the history ended: the last row's close time and row number, the key the rows are ordered by.
/// Opaque to callers (base64url), so the key can change without breaking them; a page after it starts strictly older.
/// </summary>
internal sealed record HistoryCursor(long ClosedAt, long Seq)
{
    private const int Length = 2 * sizeof(long);

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[Length];
        BinaryPrimitives.WriteInt64BigEndian(bytes, ClosedAt);
        BinaryPrimitives.WriteInt64BigEndian(bytes[sizeof(long)..], Seq);
        return Base64Url.EncodeToString(bytes);
    }

    public static HistoryCursor? TryDecode(string text)
    {
        // TryDecodeFromChars throws on characters outside the alphabet: check them first.
        Span<byte> bytes = stackalloc byte[Length];
        return Base64Url.IsValid(text, out var length) && length == Length
            && Base64Url.TryDecodeFromChars(text, bytes, out var written) && written == Length
            ? new HistoryCursor(BinaryPrimitives.ReadInt64BigEndian(bytes), BinaryPrimitives.ReadInt64BigEndian(bytes[sizeof(long)..]))
            : null;
    }
}
