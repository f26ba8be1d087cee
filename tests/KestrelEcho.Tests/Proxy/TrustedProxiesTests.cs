using System.Net;
using KestrelEcho.Proxy;

namespace KestrelEcho.Tests.Proxy;

public sealed class TrustedProxiesTests
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", true)]
    [InlineData("127.0.0.1", "::ffff:127.0.0.1", true)]
    [InlineData("127.0.0.1", "127.0.0.2", false)]
    [InlineData("10.0.0.0/8", "10.255.1.2", true)]
    [InlineData("10.0.0.0/8", "::ffff:10.1.2.3", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("::ffff:10.0.0.0/104", "10.1.2.3", true)]
    [InlineData("::ffff:10.0.0.0/104", "::ffff:10.1.2.3", true)]
    [InlineData("::ffff:127.0.0.1", "127.0.0.1", true)]
    [InlineData("::1", "::1", true)]
    [InlineData("::1", "127.0.0.1", false)]
    [InlineData("fd00::/8", "fd12::1", true)]
    [InlineData("fd00::/8", "fe80::1", false)]
    [InlineData("0.0.0.0/0", "203.0.113.7", true)]
    [InlineData("0.0.0.0/0", "2001:db8::1", false)]
    public void Contains_ComparesIPv4AsIPv4_HoweverEitherSideIsWritten(string entry, string peer, bool trusted)
    {
        var proxies = TrustedProxies.Parse([entry]);

        Assert.Equal(trusted, proxies.Contains(IPAddress.Parse(peer)));
    }

    [Fact]
    public void Contains_AnyOfSeveralEntries_AndNeverAMissingAddress()
    {
        var proxies = TrustedProxies.Parse(["10.0.0.0/8", "192.168.1.10", "::1"]);

        Assert.True(proxies.Contains(IPAddress.Parse("192.168.1.10")));
        Assert.True(proxies.Contains(IPAddress.IPv6Loopback));
        Assert.False(proxies.Contains(IPAddress.Parse("192.168.1.11")));
        Assert.False(proxies.Contains(null));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("localhost")]
    [InlineData("10")]
    [InlineData("10.1")]
    [InlineData("010.0.0.1")]
    [InlineData("10.0.0.1/8")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("fe80::1%2")]
    [InlineData("::1/129")]
    public void TryParseEntry_RefusesWhatIsNotAnAddressOrRange(string entry) =>
        Assert.False(TrustedProxies.TryParseEntry(entry, out _));
}
