using System.Buffers.Binary;
using System.Numerics;

namespace KestrelEcho.Proxy;

/// <summary>CRC-32C (Castagnoli, RFC 4960 appendix B), as a PROXY v2 header's PP2_TYPE_CRC32C carries it.</summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> bytes)
    {
        // BitOperations uses the CPU's CRC32 instruction where there is one (SSE4.2, ARMv8), and a table elsewhere.
        var crc = uint.MaxValue;
        while (bytes.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
            bytes = bytes[sizeof(ulong)..];
        }

        foreach (var b in bytes)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
