using KestrelEcho.Hosting;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Hosting;

/// <summary>
/// Invalid settings through the test host. A port in use is checked on the real process only
/// (<see cref="ServiceProcessTests"/>): after a failed bind WebApplicationFactory throws ObjectDisposedException
/// in place of Kestrel's error.
/// </summary>
public sealed class StartupFailureTests
{
    [Theory]
    [InlineData("Echo:Port", "70000")]
    [InlineData("Echo:Port", "-1")]
    [InlineData("Http:Port", "65536")]
    [InlineData("Echo:Address", "localhost.invalid")]
    [InlineData("Http:Address", "")]
    [InlineData("Admin:Port", "70000")]
    [InlineData("Admin:ApiKey", "too-short")]
    [InlineData("Admin:AllowRemote", "maybe")]
    public async Task InvalidSetting_FailsStart_NamingTheSetting(string key, string value)
    {
        await using var app = new EchoAppFactory().WithSetting(key, value);

        var failure = Assert.ThrowsAny<Exception>(app.StartServer);

        Assert.True(StartupFailure.TryDescribe(failure, endpoints: null, out var message), failure.ToString());
        Assert.Contains(key, message, StringComparison.Ordinal);
    }
}
