using KestrelEcho.Udp;

namespace KestrelEcho.Tests.Udp;

public sealed class EchoUdpOptionsValidatorTests
{
    [Fact]
    public void Defaults_AreValid() =>
        Assert.True(new EchoUdpOptionsValidator().Validate(null, new EchoUdpOptions()).Succeeded);

    [Fact]
    public void EveryBadSetting_IsReported_EachNamingItsSetting()
    {
        var result = new EchoUdpOptionsValidator().Validate(null, new EchoUdpOptions
        {
            Port = 70_000,
            PacketsPerSecondPerClient = 10,
            BurstPerClient = 0,
            MaxDatagramSize = 70_000,
            BytesPerSecondPerClient = -1,
            AllowedSourcePorts = ["x", "123"],
            FlowIdleTimeout = TimeSpan.FromSeconds(-1),
            MaxFlows = 0,
        });

        Assert.Equal(
            ["EchoUdp:Port", "EchoUdp:BurstPerClient", "EchoUdp:MaxDatagramSize", "EchoUdp:BytesPerSecondPerClient", "EchoUdp:AllowedSourcePorts:0", "EchoUdp:AllowedSourcePorts:1", "EchoUdp:FlowIdleTimeout", "EchoUdp:MaxFlows"],
            result.Failures!.Select(static failure => failure[..failure.IndexOf(' ', StringComparison.Ordinal)]));
    }

    [Fact]
    public void AByteRateBelowTheLargestDatagram_IsRefused()
    {
        var result = new EchoUdpOptionsValidator().Validate(null, new EchoUdpOptions { MaxDatagramSize = 1472, BytesPerSecondPerClient = 1000 });

        Assert.Contains(result.Failures!, static failure => failure.StartsWith("EchoUdp:BytesPerSecondPerClient", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("500", 500, 500)]
    [InlineData("600-700", 600, 700)]
    [InlineData(" 80 - 81 ", 80, 81)]
    public void AllowedSourcePorts_AcceptAPortOrARange(string entry, int first, int last)
    {
        Assert.True(UdpSourcePorts.TryParseRange(entry, out var range));
        Assert.Equal((first, last), range);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("700-600")]
    [InlineData("a-b")]
    [InlineData("-5")]
    public void AllowedSourcePorts_RefuseAnythingElse(string entry) =>
        Assert.False(UdpSourcePorts.TryParseRange(entry, out _));

    [Fact]
    public void ReflectorPorts_AreRefusedEvenInsideAnAllowedRange_AndSoIsTheEchosOwnPort()
    {
        var ports = new UdpSourcePorts([(1, 1023)], ownPort: 9999);

        Assert.Equal(UdpDropReason.ReflectorPort, ports.Refusal(53));
        Assert.Equal(UdpDropReason.ReflectorPort, ports.Refusal(11211));
        Assert.Equal(UdpDropReason.ReflectorPort, ports.Refusal(9999));
        Assert.Null(ports.Refusal(1000));
        Assert.Null(ports.Refusal(40000));
        Assert.Equal(UdpDropReason.PrivilegedPort, new UdpSourcePorts([], ownPort: 9999).Refusal(1000));
        Assert.Equal(UdpDropReason.PrivilegedPort, new UdpSourcePorts([], ownPort: 9999).Refusal(0));
    }
}
