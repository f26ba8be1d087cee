using System.Net;
using KestrelEcho.Admin;
using KestrelEcho.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;

namespace KestrelEcho.Tests.Admin;

/// <summary>The query of GET/DELETE /connections, parsed and applied to sessions on a clock the test moves.</summary>
public sealed class ConnectionQueryTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly ConnectionRegistry _registry;

    public ConnectionQueryTests() => _registry = new ConnectionRegistry(_time, 10);

    [Fact]
    public void NoParameters_ListsTheOldestThousandFirst()
    {
        var query = Parse("");

        Assert.Equal(new ConnectionQuery(new ConnectionFilter(null, null, null, null, null, null, null), ConnectionSort.Age, true, 0, 1000), query);
    }

    [Fact]
    public void EveryBadParameter_IsReportedByName()
    {
        var ok = ConnectionQuery.TryParse(
            QueryHelpers.ParseQuery("?sort=size&order=up&offset=-1&limit=x&ip=10.0.0.1/33&state=open&minIdle=-5&minAge=1e3&proxied=yes&transport=udp&bogus=1&limit=2"),
            out _,
            out var errors);

        Assert.False(ok);
        Assert.Equal(
            ["bogus", "ip", "limit", "minAge", "minIdle", "offset", "order", "proxied", "sort", "state", "transport"],
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("2 times", Assert.Single(errors["limit"]));
    }

    [Fact]
    public void Delete_WithoutAFilter_IsRefused_AndSortIsUnknownThere()
    {
        Assert.False(ConnectionFilter.TryParse(QueryHelpers.ParseQuery(""), out _, out var none));
        Assert.Equal(["filter"], none.Keys);

        Assert.False(ConnectionFilter.TryParse(QueryHelpers.ParseQuery("?minIdel=60&ip=10.0.0.1"), out _, out var typo));
        Assert.Equal(["minIdel"], typo.Keys);

        Assert.True(ConnectionFilter.TryParse(QueryHelpers.ParseQuery("?MINIDLE=60"), out var filter, out _));
        Assert.Equal(TimeSpan.FromSeconds(60), filter.MinIdle);
    }

    [Theory]
    [InlineData("10.0.0.9", new[] { "a" })]
    [InlineData("::ffff:10.0.0.9", new[] { "a" })]
    [InlineData("10.0.0.0/24", new[] { "a", "b" })]
    [InlineData("::ffff:10.0.0.0/120", new[] { "a", "b" })]
    [InlineData("10.0.0.0/8", new[] { "a", "b", "c" })]
    [InlineData("10.1.2.3/8", new[] { "a", "b", "c" })]
    [InlineData("2001:db8::/32", new[] { "v6" })]
    public void Ip_MatchesAnAddressOrANetwork(string ip, string[] expected)
    {
        Open("a", "10.0.0.9");
        Open("b", "10.0.0.10");
        Open("c", "10.9.0.1");
        Open("v6", "2001:db8::1");

        Assert.Equal(expected, Ids(Parse($"?ip={Uri.EscapeDataString(ip)}&sort=remote")));
    }

    [Fact]
    public void SortRemote_IsNumeric_AndOrderReverses()
    {
        Open("ten", "10.0.0.10");
        Open("nine", "10.0.0.9");
        Open("two", "10.0.0.2", port: 2000);
        Open("two-low-port", "10.0.0.2", port: 1000);

        Assert.Equal(["two-low-port", "two", "nine", "ten"], Ids(Parse("?sort=remote")));
        Assert.Equal(["ten", "nine", "two", "two-low-port"], Ids(Parse("?sort=remote&order=desc")));
    }

    [Fact]
    public void SortAgeIdleAndBytes_LargestFirstByDefault_AndOffsetLimitPage()
    {
        var old = Open("old", "10.0.0.1");
        _time.Advance(TimeSpan.FromSeconds(10));
        var busy = Open("busy", "10.0.0.2");
        _time.Advance(TimeSpan.FromSeconds(10));
        Open("young", "10.0.0.3");
        _time.Advance(TimeSpan.FromSeconds(4));
        busy.OnReceived(100, _time);
        busy.OnSent(500);
        busy.CatchUp(_time.GetTimestamp(), out _, out _);
        _time.Advance(TimeSpan.FromSeconds(1));
        old.OnReceived(5, _time);
        old.CatchUp(_time.GetTimestamp(), out _, out _);

        Assert.Equal(["old", "busy", "young"], Ids(Parse("")));
        Assert.Equal(["young", "busy", "old"], Ids(Parse("?sort=age&order=asc")));
        Assert.Equal(["young", "busy", "old"], Ids(Parse("?sort=idle")));
        Assert.Equal(["busy", "old", "young"], Ids(Parse("?sort=bytesIn")));
        Assert.Equal(["busy", "old", "young"], Ids(Parse("?sort=bytesOut")));
        Assert.Equal(["old", "young", "busy"], Ids(Parse("?sort=bytesOut&order=asc")));

        var page = Parse("?offset=1&limit=1");
        Assert.Equal((1, 1), (page.Offset, page.Limit));
    }

    [Fact]
    public void MinIdleAndMinAge_AreSeconds_AndTheStageProxyTransportAndListenerFiltersMatchExactly()
    {
        var idle = Open("idle", "10.0.0.1");
        _time.Advance(TimeSpan.FromSeconds(30));
        var proxied = Open("proxied", "10.0.0.2");
        proxied.OnProxyHeader(2, new IPEndPoint(IPAddress.Parse("10.0.0.20"), 1), null, null);
        var tls = Open("tls", "10.0.0.3", listener: ConnectionListener.EchoTls);
        Open("slow", "10.0.0.4", listener: new ConnectionListener("slow", ConnectionTransport.Tcp));
        tls.EnterStage(ConnectionStage.TlsHandshake, _time.GetTimestamp());
        idle.EnterStage(ConnectionStage.Echo, _time.GetTimestamp());
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(["idle"], Ids(Parse("?minIdle=30")));
        Assert.Equal(["idle", "proxied", "slow", "tls"], Ids(Parse("?minIdle=0.5")));
        Assert.Equal(["idle"], Ids(Parse("?minAge=31")));
        Assert.Equal(["idle"], Ids(Parse("?state=echo")));
        Assert.Equal(["tls"], Ids(Parse("?state=tls_handshake")));
        Assert.Equal(["proxied"], Ids(Parse("?proxied=true")));
        Assert.Equal(["idle", "slow", "tls"], Ids(Parse("?proxied=false")));
        Assert.Equal(["tls"], Ids(Parse("?transport=tls")));
        Assert.Equal(["idle", "proxied", "slow"], Ids(Parse("?transport=tcp")));
        Assert.Equal(["idle"], Ids(Parse("?transport=tcp&proxied=false&listener=echo")));
        Assert.Equal(["slow"], Ids(Parse("?listener=slow")));
        Assert.Equal(["tls"], Ids(Parse("?listener=echo_tls")));
    }

    private EchoSession Open(string id, string address, int port = 40000, ConnectionListener? listener = null)
    {
        var connection = new DefaultConnectionContext(id) { RemoteEndPoint = new IPEndPoint(IPAddress.Parse(address), port) };
        return _registry.Open(connection, listener ?? ConnectionListener.Echo);
    }

    private static ConnectionQuery Parse(string queryString)
    {
        Assert.True(ConnectionQuery.TryParse(QueryHelpers.ParseQuery(queryString), out var query, out var errors), string.Join(" ", errors.Values.SelectMany(static e => e)));
        return query;
    }

    private List<string> Ids(ConnectionQuery query) =>
        [.. query.Apply(_registry.Snapshot(), _time.GetTimestamp(), _time).Select(static session => session.Id)];
}
