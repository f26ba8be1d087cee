using KestrelEcho.WebSockets;

namespace KestrelEcho.Tests.WebSockets;

public sealed class EchoWebSocketOptionsValidatorTests
{
    [Fact]
    public void Defaults_AreValid() =>
        Assert.True(new EchoWebSocketOptionsValidator().Validate(null, new EchoWebSocketOptions()).Succeeded);

    [Fact]
    public void EveryBadSetting_IsReported_ByName()
    {
        var options = new EchoWebSocketOptions { Path = "ws/echo", Address = "nope", Port = 70000 };

        var result = new EchoWebSocketOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, static failure => failure.StartsWith("EchoWebSocket:Path must be a literal path", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, static failure => failure.StartsWith("EchoWebSocket:Address must be", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, static failure => failure.StartsWith("EchoWebSocket:Port must be between", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/ws/{id}")]
    [InlineData("/ws?x=1")]
    [InlineData("")]
    public void NotALiteralPath_IsRefused(string path) =>
        Assert.True(new EchoWebSocketOptionsValidator().Validate(null, new EchoWebSocketOptions { Path = path }).Failed);

    [Theory]
    [InlineData("/connections/ws")]
    [InlineData("/health")]
    [InlineData("/Metrics")]
    public void APathTheOpsEndpointServes_IsRefused(string path)
    {
        var result = new EchoWebSocketOptionsValidator().Validate(null, new EchoWebSocketOptions { Path = path });

        Assert.True(result.Failed);
        Assert.Contains("which the ops endpoint serves", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }
}
