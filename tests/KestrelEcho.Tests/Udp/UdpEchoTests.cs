using System.Net;
using System.Net.Sockets;
using System.Text;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Udp;

/// <summary>The UDP echo bound to every address, as shipped: what comes back, and from where.</summary>
public sealed class UdpEchoTests(UdpEchoAppFactory app) : EchoAppTest<UdpEchoAppFactory>(app)
{
    private const int MaxDatagramSize = 1472;

    public static TheoryData<string, byte[]> Payloads() => new()
    {
        { "text", Encoding.UTF8.GetBytes("hola mundo\r\n") },
        { "every byte value", [.. Enumerable.Range(0, 256).Select(static b => (byte)b)] },
        { "garbage", Garbage(1000) },
        { "a TLS ClientHello's first bytes", [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03] },
        { "the largest allowed", Garbage(MaxDatagramSize) },
        { "empty", [] },
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task Datagram_ComesBackUnchanged(string what, byte[] payload)
    {
        using var client = UdpClients.Bind(IPAddress.Loopback);

        var (echoed, _) = await client.ExchangeAsync(payload, To(IPAddress.Loopback), TestContext.Current.CancellationToken);

        Assert.True(payload.AsSpan().SequenceEqual(echoed), $"{what}: {echoed.Length} bytes came back for {payload.Length}");
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("127.0.0.77")]
    public async Task Answer_ComesFromTheAddressTheDatagramWasSentTo(string destination)
    {
        var to = To(IPAddress.Parse(destination));
        using var client = UdpClients.Bind(IPAddress.Loopback);

        var (_, from) = await client.ExchangeAsync("who answers?"u8.ToArray(), to, TestContext.Current.CancellationToken);

        Assert.Equal(to, from);
    }

    [Fact]
    public async Task Answer_OverIPv6_ComesFromTheAddressTheDatagramWasSentTo()
    {
        if (!Socket.OSSupportsIPv6 || !HasIPv6Loopback())
        {
            Assert.Skip("No ::1 on this host's loopback.");
        }

        var to = To(IPAddress.IPv6Loopback);
        using var client = UdpClients.Bind(IPAddress.IPv6Loopback);

        var (echoed, from) = await client.ExchangeAsync("over IPv6"u8.ToArray(), to, TestContext.Current.CancellationToken);

        Assert.Equal(to, from);
        Assert.Equal("over IPv6"u8.ToArray(), echoed);
    }

    [Fact]
    public async Task Oversized_IsNotAnswered_AndIsCountedAsOversized()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var meter = new UdpMeterReader(App);
        var before = meter.Dropped("oversized");
        using var client = UdpClients.Bind(IPAddress.Loopback);

        await client.AssertNotAnsweredAsync(Garbage(MaxDatagramSize + 1), To(IPAddress.Loopback), cancellationToken);

        Assert.Equal(before + 1, meter.Dropped("oversized"));
    }

    [Fact]
    public async Task Flow_IsListedUnderTransportUdp_WithItsSourceDestinationAndCounts()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = UdpClients.Bind(IPAddress.Loopback);
        var to = To(IPAddress.Parse("127.0.0.2"));
        await client.ExchangeAsync(new byte[10], to, cancellationToken);
        await client.ExchangeAsync(new byte[20], to, cancellationToken);

        var list = await App.CreateClient().GetJsonAsync("/connections?transport=udp&ip=127.0.0.1", cancellationToken);

        var port = ((IPEndPoint)client.LocalEndPoint!).Port;
        var flow = Assert.Single(list.GetProperty("flows").EnumerateArray(), flow => flow.GetProperty("remotePort").GetInt32() == port);
        Assert.Equal("udp", flow.GetProperty("transport").GetString());
        Assert.Equal("127.0.0.1", flow.GetProperty("remoteAddress").GetString());
        Assert.Equal(to.ToString(), flow.GetProperty("localEndPoint").GetString());
        Assert.Equal(2, flow.GetProperty("datagramsReceived").GetInt64());
        Assert.Equal(2, flow.GetProperty("datagramsSent").GetInt64());
        Assert.Equal(30, flow.GetProperty("bytesReceived").GetInt64());
        Assert.Equal(30, flow.GetProperty("bytesSent").GetInt64());
        Assert.Equal(0, flow.GetProperty("dropped").GetInt64());
    }

    [Fact]
    public async Task TransportUdp_WithAConnectionOnlyFilter_Is400NamingIt()
    {
        var response = await App.CreateClient().GetAsync("/connections?transport=udp&state=echo", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("state", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private IPEndPoint To(IPAddress address) => new(address, App.EchoUdpEndPoint.Port);

    private static bool HasIPv6Loopback()
    {
        try
        {
            using var probe = UdpClients.Bind(IPAddress.IPv6Loopback);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static byte[] Garbage(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }
}
