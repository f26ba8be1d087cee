using System.Globalization;
using KestrelEcho.Client.Tests.Infrastructure;

namespace KestrelEcho.Client.Tests.Send;

public sealed class SendUdpTests
{
    [Fact]
    public async Task ExactEcho_Exits0AndPrintsSocketDatagramAndReplySource()
    {
        await using var echo = UdpEchoServer.Exact();

        var run = await SendAsync(echo.Port);

        run.AssertExitCode(0);
        Assert.Equal(string.Empty, run.Error);
        Assert.Matches(
            @"^socket:     InterNetwork Dgram Udp\n" +
            @"local:      127\.0\.0\.1:\d+\n" +
            $@"remote:     127\.0\.0\.1:{echo.Port} \(127\.0\.0\.1:{echo.Port}\)\n" +
            "sent:       10 bytes \"Hola mundo\" in one datagram\n" +
            "received:   10 bytes \"Hola mundo\"\n" +
            $@"reply from: 127\.0\.0\.1:{echo.Port} \(where we sent it\)\n" +
            @"round trip: \d+\.\d{3} ms\n$",
            run.Out);
        Assert.Equal(1, echo.Received);
    }

    [Fact]
    public async Task FlippedByte_Exits1WithMismatchAtThatByte()
    {
        await using var echo = UdpEchoServer.FlippingByte(4);

        var run = await SendAsync(echo.Port);

        run.AssertExitCode(1);
        Assert.Equal("kestrel-echo: mismatch at byte 4 (sent 0x20, got 0xdf)", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task NoReply_Exits2AfterOneDatagram_NamingWhatUdpLossMayBe()
    {
        await using var echo = UdpEchoServer.Silent();

        var run = await SendAsync(echo.Port, "--timeout", "0.5");

        run.AssertExitCode(2);
        Assert.Equal("kestrel-echo: no reply within 0.5 s (UDP: lost, filtered, rate-limited, or no UDP echo there)", Assert.Single(run.ErrorLines));
        Assert.Equal(1, echo.Received);
    }

    [Fact]
    public async Task ReplyFromAnotherPort_ExactStillExits0_WarnsOfTheSource()
    {
        await using var echo = UdpEchoServer.ReplyingFromAnotherPort();

        var run = await SendAsync(echo.Port);

        run.AssertExitCode(0);
        Assert.Contains($"reply from: 127.0.0.1:{echo.ReplyPort} (NOT 127.0.0.1:{echo.Port}, where we sent it)\n", run.Out, StringComparison.Ordinal);
        Assert.Equal(
            $"kestrel-echo: warning: the reply came from 127.0.0.1:{echo.ReplyPort}, not 127.0.0.1:{echo.Port}; a NAT or stateful firewall would drop it",
            Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task FileTooLargeForOneDatagram_Exits1WithoutSending()
    {
        await using var echo = UdpEchoServer.Exact();

        var run = await ClientRun.InvokeAsync(["send", "--udp", "--file", "-", "--host", "127.0.0.1", "--port", Port(echo.Port)], new byte[65_508]);

        run.AssertExitCode(1);
        Assert.Equal("kestrel-echo: 65508 bytes do not fit one UDP datagram (at most 65507)", Assert.Single(run.ErrorLines));
        Assert.Equal(0, echo.Received);
    }

    [Theory]
    [InlineData("--tls")]
    [InlineData("--ws")]
    public async Task WithTlsOrWebSocket_Exits1(string option)
    {
        var run = await ClientRun.InvokeAsync("send", "--udp", option, "--host", "127.0.0.1");

        run.AssertExitCode(1);
        Assert.Equal("kestrel-echo: --udp sends a plain datagram: drop --ws and the --tls options", Assert.Single(run.ErrorLines));
    }

    private static Task<ClientRun> SendAsync(int port, params string[] more) =>
        ClientRun.InvokeAsync(["send", "--udp", "--host", "127.0.0.1", "--port", Port(port), .. more]);

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
