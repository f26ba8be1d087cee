using System.Text;
using KestrelEcho.Proxy;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Proxy;

/// <summary>The service's CRC-32C and the tests' bitwise one, both against the published check values.</summary>
public sealed class Crc32CTests
{
    /// <summary>"123456789" is the CRC catalogue's check input; the 32-byte ones are RFC 3720's appendix B.4.</summary>
    public static TheoryData<string, byte[], uint> CheckValues => new()
    {
        { "123456789", Encoding.ASCII.GetBytes("123456789"), 0xE3069283 },
        { "32 zeros", new byte[32], 0x8A9136AA },
        { "32 x 0xFF", Enumerable.Repeat((byte)0xFF, 32).ToArray(), 0x62A8AB43 },
        { "0 to 31", Enumerable.Range(0, 32).Select(static i => (byte)i).ToArray(), 0x46DD794E },
        { "31 to 0", Enumerable.Range(0, 32).Select(static i => (byte)(31 - i)).ToArray(), 0x113FDB5C },
        { "nothing", [], 0x00000000 },
    };

    [Theory]
    [MemberData(nameof(CheckValues))]
    public void Compute_GivesTheCheckValue(string name, byte[] input, uint expected)
    {
        Assert.True(expected == Crc32C.Compute(input), $"{name}: 0x{Crc32C.Compute(input):X8}");
        Assert.True(expected == ProxyHeaders.Crc32C(input), $"{name}, the tests' own: 0x{ProxyHeaders.Crc32C(input):X8}");
    }
}
