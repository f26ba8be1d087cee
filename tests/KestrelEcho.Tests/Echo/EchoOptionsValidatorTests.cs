using KestrelEcho.Echo;
using KestrelEcho.Proxy;

namespace KestrelEcho.Tests.Echo;

public sealed class EchoOptionsValidatorTests
{
    private static readonly EchoOptionsValidator s_validator = new();

    [Fact]
    public void Defaults_AreValid() => Assert.True(s_validator.Validate(null, new EchoOptions()).Succeeded);

    [Fact]
    public void ZeroTurnsOffEveryOptionalLimit()
    {
        var options = new EchoOptions
        {
            Port = 0,
            MaxConnectionsPerIp = 0,
            IdleTimeout = TimeSpan.Zero,
            MaxLifetime = TimeSpan.Zero,
            MaxBytesPerConnection = 0,
            ShutdownDelay = TimeSpan.Zero,
            DrainTimeout = TimeSpan.Zero,
            RecentConnections = 0,
        };

        Assert.True(s_validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void EveryInvalidSetting_IsReportedAtOnce_ByName()
    {
        var options = new EchoOptions
        {
            Address = "localhost.invalid",
            Port = 70000,
            MaxConnections = 0,
            MaxConnectionsPerIp = -1,
            IdleTimeout = TimeSpan.FromSeconds(-1),
            MaxLifetime = TimeSpan.FromSeconds(-1),
            MaxBytesPerConnection = -1,
            ShutdownDelay = TimeSpan.FromSeconds(-1),
            DrainTimeout = TimeSpan.FromSeconds(-1),
            RecentConnections = -1,
        };

        var result = s_validator.Validate(null, options);

        string[] settings =
        [
            "Echo:Address", "Echo:Port", "Echo:MaxConnections", "Echo:MaxConnectionsPerIp", "Echo:IdleTimeout",
            "Echo:MaxLifetime", "Echo:MaxBytesPerConnection", "Echo:ShutdownDelay", "Echo:DrainTimeout", "Echo:RecentConnections",
        ];
        Assert.True(result.Failed);
        Assert.Equal(settings.Length, result.Failures!.Count());
        Assert.All(settings, setting => Assert.Contains(result.Failures!, failure => failure.StartsWith(setting + " ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("0.0.0.0")]
    public void Address_TakesStarOrAnIpLiteral(string address) =>
        Assert.True(s_validator.Validate(null, new EchoOptions { Address = address }).Succeeded);

    [Theory]
    [InlineData(ProxyProtocolMode.Optional)]
    [InlineData(ProxyProtocolMode.Required)]
    public void ProxyProtocolWithoutTrustedProxies_IsInvalid_NamingTheSetting(object mode)
    {
        var result = s_validator.Validate(null, new EchoOptions { ProxyProtocol = (ProxyProtocolMode)mode });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Echo:TrustedProxies must list", failure, StringComparison.Ordinal);
        Assert.Contains($"Echo:ProxyProtocol is {mode}", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void ProxyProtocolOff_NeedsNoTrustedProxies() =>
        Assert.True(s_validator.Validate(null, new EchoOptions { ProxyProtocol = ProxyProtocolMode.Off, TrustedProxies = [] }).Succeeded);

    [Fact]
    public void ProxyProtocolWithTrustedProxies_IsValid() =>
        Assert.True(s_validator.Validate(null, new EchoOptions { ProxyProtocol = ProxyProtocolMode.Required, TrustedProxies = ["127.0.0.1", "10.0.0.0/8", "::1"] }).Succeeded);

    [Fact]
    public void BadProxySettings_AreEachReported_ByName()
    {
        var options = new EchoOptions
        {
            ProxyProtocol = (ProxyProtocolMode)7,
            TrustedProxies = ["10.0.0.0/8", "10.0.0.1/8", "proxy.internal"],
            ProxyHeaderTimeout = TimeSpan.Zero,
        };

        var failures = s_validator.Validate(null, options).Failures!.ToList();

        Assert.Equal(4, failures.Count);
        Assert.Contains(failures, static f => f.StartsWith("Echo:ProxyProtocol must be Off, Optional or Required; got 7.", StringComparison.Ordinal));
        Assert.Contains(failures, static f => f.StartsWith("Echo:TrustedProxies:1 must be an IP address or a CIDR range", StringComparison.Ordinal) && f.EndsWith("got '10.0.0.1/8'.", StringComparison.Ordinal));
        Assert.Contains(failures, static f => f.StartsWith("Echo:TrustedProxies:2 must be", StringComparison.Ordinal) && f.EndsWith("got 'proxy.internal'.", StringComparison.Ordinal));
        Assert.Contains(failures, static f => f.StartsWith("Echo:ProxyHeaderTimeout must be a positive time span", StringComparison.Ordinal));
    }
}
