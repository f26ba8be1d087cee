using KestrelEcho.Client.Cli;

namespace KestrelEcho.Client.Tests.WhoAmI;

public sealed class HostAndPortTests
{
    [Theory]
    [InlineData("127.0.0.1:9001", "127.0.0.1", 9001)]
    [InlineData("echo.example.com:65535", "echo.example.com", 65535)]
    [InlineData("[::1]:9001", "::1", 9001)]
    [InlineData("[fe80::1%eth0]:1", "fe80::1%eth0", 1)]
    [InlineData("localhost", "localhost", null)]
    [InlineData("::1", "::1", null)]
    [InlineData("[::1]", "::1", null)]
    public void Valid_SplitsHostAndPort(string text, string host, int? port)
    {
        Assert.True(HostAndPort.TryParse(text, out var parsedHost, out var parsedPort));
        Assert.Equal(host, parsedHost);
        Assert.Equal(port, parsedPort);
    }

    [Theory]
    [InlineData("")]
    [InlineData(":9001")]
    [InlineData("host:")]
    [InlineData("host:0")]
    [InlineData("host:65536")]
    [InlineData("host:+1")]
    [InlineData("[::1")]
    [InlineData("[::1]9001")]
    [InlineData("[]:9001")]
    public void Invalid_IsRefused(string text) => Assert.False(HostAndPort.TryParse(text, out _, out _));
}
