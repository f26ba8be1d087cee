using KestrelEcho.Echo;

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
            DrainTimeout = TimeSpan.FromSeconds(-1),
            RecentConnections = -1,
        };

        var result = s_validator.Validate(null, options);

        string[] settings =
        [
            "Echo:Address", "Echo:Port", "Echo:MaxConnections", "Echo:MaxConnectionsPerIp", "Echo:IdleTimeout",
            "Echo:MaxLifetime", "Echo:MaxBytesPerConnection", "Echo:DrainTimeout", "Echo:RecentConnections",
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
}
