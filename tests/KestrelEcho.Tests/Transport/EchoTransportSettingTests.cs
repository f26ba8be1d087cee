using KestrelEcho.Echo;
using KestrelEcho.Testing;
using KestrelEcho.Transport;

namespace KestrelEcho.Tests.Transport;

/// <summary><c>Echo:Transport</c>: Sockets or Epoll, anything else stops the service with one line naming it.</summary>
public sealed class EchoTransportSettingTests
{
    private static readonly EchoOptionsValidator s_validator = new();

    [Theory]
    [InlineData(EchoTransport.Sockets)]
    [InlineData(EchoTransport.Epoll)]
    public void SocketsAndEpoll_AreValidOnLinux(object transport) =>
        Assert.True(s_validator.Validate(null, new EchoOptions { Transport = (EchoTransport)transport }).Succeeded);

    [Fact]
    public void AnUndefinedTransport_IsInvalid_NamingTheSetting()
    {
        var failure = Assert.Single(s_validator.Validate(null, new EchoOptions { Transport = (EchoTransport)5 }).Failures!);

        Assert.Equal("Echo:Transport must be Sockets or Epoll; got 5.", failure);
    }

    [Fact]
    public async Task UnknownTransport_StopsTheRealServiceWithOneLineNamingTheSetting()
    {
        var line = await ServiceProcess.FailedStartLineAsync("--Echo:Transport", "io_uring", "--Echo:Port", "0", "--Http:Port", "0");

        Assert.Contains("'Echo:Transport'", line, StringComparison.Ordinal);
    }
}
