using System.Net;
using KestrelEcho.Net;

namespace KestrelEcho.Tests.Net;

public sealed class ClientPrefixTests
{
    [Theory]
    [InlineData("198.18.7.9", 32, 64, "198.18.7.9/32")]
    [InlineData("198.18.7.9", 24, 64, "198.18.7.0/24")]
    [InlineData("198.18.7.9", 20, 64, "198.18.0.0/20")]
    [InlineData("198.18.7.9", 0, 64, "0.0.0.0/0")]
    [InlineData("::ffff:198.18.7.9", 24, 64, "198.18.7.0/24")]
    [InlineData("2001:db8:77:0:1234:5678:9abc:def0", 32, 64, "2001:db8:77::/64")]
    [InlineData("2001:db8:77:ff:1::1", 32, 56, "2001:db8:77::/56")]
    [InlineData("2001:db8:77:ff:1::1", 32, 61, "2001:db8:77:f8::/61")]
    [InlineData("2001:db8:77::1", 32, 128, "2001:db8:77::1/128")]
    [InlineData("fe80::1%2", 32, 64, "fe80::/64")]
    public void Of_KeepsThePrefixBits_AndClearsTheRest(string address, int prefixV4, int prefixV6, string expected) =>
        Assert.Equal(IPNetwork.Parse(expected), ClientPrefix.Of(IPAddress.Parse(address), prefixV4, prefixV6));

    [Fact]
    public void AddressesOfOneSlash64_AreOneClient()
    {
        var first = ClientPrefix.Of(IPAddress.Parse("2001:db8:77::1"), 32, 64);
        var second = ClientPrefix.Of(IPAddress.Parse("2001:db8:77:0:ffff:ffff:ffff:ffff"), 32, 64);
        var neighbour = ClientPrefix.Of(IPAddress.Parse("2001:db8:77:1::1"), 32, 64);

        Assert.Equal(first, second);
        Assert.NotEqual(first, neighbour);
    }
}
