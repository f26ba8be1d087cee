using System.Globalization;
using System.Net;
using System.Text;
using KestrelEcho.Client.Tests.Infrastructure;

namespace KestrelEcho.Client.Tests.WhoAmI;

public sealed class WhoAmICommandTests
{
    private const string Server = "\"server\":{\"hostName\":\"box\",\"instanceId\":\"5f1c2a9e7b3d\"},\"connectedAt\":\"2026-12-02T10:11:12.345Z\"";

    [Fact]
    public async Task WhoAmILine_PrintedReadably_ClientIsThisSocket_NoProxyOrTlsSections()
    {
        await using var server = BrokenEchoServer.Greeting((client, local) => Line(
            $"{{\"connectionId\":\"0HNABC123\",\"listener\":\"whoami\",\"transport\":\"tcp\",\"client\":{EndPoint(client)},\"local\":{EndPoint(local)},{Server}}}"));

        var run = await ClientRun.InvokeAsync("whoami", $"127.0.0.1:{server.Port}");

        run.AssertExitCode(0);
        Assert.Equal(string.Empty, run.Error);
        Assert.Matches(
            $@"^connection: 0HNABC123 \(listener whoami, tcp\), connected at 2026-12-02T10:11:12\.345Z\n" +
            $@"seen as:    127\.0\.0\.1:\d+ \(this socket\)\n" +
            $@"server end: 127\.0\.0\.1:{server.Port}\n" +
            @"server:     box, instance 5f1c2a9e7b3d\n$",
            run.Out);
    }

    [Fact]
    public async Task BehindProxyHeaderAndTls_ShowsHeadersClientProxyTlvsAndTls()
    {
        await using var server = BrokenEchoServer.Greeting((client, local) => Line(
            "{\"connectionId\":\"0HNX\",\"listener\":\"edge\",\"transport\":\"tls\",\"client\":{\"address\":\"203.0.113.7\",\"port\":5555}," +
            $"\"local\":{{\"address\":\"198.51.100.1\",\"port\":443}},\"proxy\":{{\"address\":\"127.0.0.1\",\"port\":{client.Port},\"version\":2," +
            "\"tlvs\":{\"authority\":\"example.com\",\"azureLinkId\":123}},\"tls\":{\"protocol\":\"TLSv1.3\",\"cipher\":\"TLS_AES_256_GCM_SHA384\"," +
            $"\"sni\":\"localhost\",\"clientCertificate\":\"CN=client\"}},{Server}}}"));

        var run = await ClientRun.InvokeAsync("whoami", "--host", "127.0.0.1", "--port", server.Port.ToString(CultureInfo.InvariantCulture));

        run.AssertExitCode(0);
        Assert.Matches(@"\nseen as:    203\.0\.113\.7:5555 \(the PROXY header's client; we are 127\.0\.0\.1:\d+, the proxy's own address\)\n", run.Out);
        Assert.Contains("\nserver end: 198.51.100.1:443\n", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"\nproxy:      127\.0\.0\.1:\d+ sent a PROXY v2 header naming the client\n", run.Out);
        Assert.Matches(@"\n  tlv authority: +example\.com\n  tlv azureLinkId: +123\n", run.Out);
        Assert.EndsWith("\ntls:        TLSv1.3, TLS_AES_256_GCM_SHA384, SNI localhost, client certificate CN=client\n", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientAddressNotOurs_SaysSomethingIsInBetween()
    {
        await using var server = BrokenEchoServer.Greeting((_, local) => Line(
            $"{{\"connectionId\":\"0HNY\",\"transport\":\"tcp\",\"client\":{{\"address\":\"10.0.0.2\",\"port\":5555}},\"local\":{EndPoint(local)},{Server}}}"));

        var run = await ClientRun.InvokeAsync("whoami", $"127.0.0.1:{server.Port}");

        run.AssertExitCode(0);
        Assert.Matches(@"\nseen as:    10\.0\.0\.2:5555 \(NAT or proxy in between: we are 127\.0\.0\.1:\d+\)\n", run.Out);
    }

    [Fact]
    public async Task Json_PrintsTheLineAsSent()
    {
        string? sent = null;
        await using var server = BrokenEchoServer.Greeting((client, local) =>
        {
            sent = $"{{\"connectionId\":\"0HNZ\",\"transport\":\"tcp\",\"client\":{EndPoint(client)},\"local\":{EndPoint(local)},\"future\":[1,2],{Server}}}";
            return Line(sent);
        });

        var run = await ClientRun.InvokeAsync("whoami", $"127.0.0.1:{server.Port}", "--json");

        run.AssertExitCode(0);
        Assert.Equal(sent + "\n", run.Out);
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n", "its first line: 20 bytes \"SSH-2.0-OpenSSH_9.2\\r\"")]
    [InlineData("{\"status\":\"ok\"}\n", "its first line: 15 bytes \"{\\\"status\\\":\\\"ok\\\"}\"")]
    [InlineData("{\"connectionId\":\"0HN\",\"transport\":\"tcp\"\n", "its first line: 39 bytes")]
    public async Task FirstLineNotWhoAmI_Exits1AskingWhetherItIsAWhoAmIListener(string greeting, string what)
    {
        await using var server = BrokenEchoServer.Greeting((_, _) => Encoding.UTF8.GetBytes(greeting));

        var run = await ClientRun.InvokeAsync("whoami", $"127.0.0.1:{server.Port}");

        run.AssertExitCode(1);
        Assert.Equal(string.Empty, run.Out);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith(
            $"kestrel-echo: the server at 127.0.0.1:{server.Port} did not answer with a who-am-i line; is it a Mode: WhoAmI listener? ({what}",
            line,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClosedWithoutAWord_Exits1()
    {
        await using var server = BrokenEchoServer.Greeting((_, _) => [], closeAfterGreeting: true);

        var run = await ClientRun.InvokeAsync("whoami", $"127.0.0.1:{server.Port}");

        run.AssertExitCode(1);
        Assert.EndsWith("is it a Mode: WhoAmI listener? (it closed the connection without a word)", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndlessFirstLine_StopsAt16KiB_Exits1()
    {
        // Twice the bound and no newline: the client must stop reading at the bound rather than wait for more.
        await using var server = BrokenEchoServer.Greeting((_, _) => Encoding.ASCII.GetBytes(new string('x', 32 * 1024)));

        var run = await ClientRun.InvokeAsync("whoami", $"127.0.0.1:{server.Port}", "--timeout", "20");

        run.AssertExitCode(1);
        Assert.EndsWith("is it a Mode: WhoAmI listener? (more than 16384 bytes without a newline)", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerSaysNothing_Exits2WithOneTimeoutLine()
    {
        // What a plain echo looks like: it waits for us to speak first.
        using var silent = new SilentServer();

        var run = await ClientRun.InvokeAsync("whoami", $"127.0.0.1:{silent.Port}", "--timeout", "1");

        run.AssertExitCode(2);
        Assert.Equal(string.Empty, run.Out);
        Assert.Equal($"kestrel-echo: timeout: no who-am-i line from 127.0.0.1:{silent.Port} within 1 s; is it a Mode: WhoAmI listener?", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task NothingListening_Exits2WithOneRefusedLine()
    {
        using var closed = new ClosedPort();

        var run = await ClientRun.InvokeAsync("whoami", $"127.0.0.1:{closed.Port}");

        run.AssertExitCode(2);
        Assert.Equal($"kestrel-echo: connection refused by 127.0.0.1:{closed.Port} (127.0.0.1)", Assert.Single(run.ErrorLines));
    }

    [Theory]
    [InlineData("127.0.0.1:9001 --port 9002")]
    [InlineData("localhost:9001 --host localhost")]
    [InlineData("localhost:0")]
    [InlineData("[::1]x")]
    public async Task AddressArgumentWrongOrContradicted_Exits1(string args)
    {
        var run = await ClientRun.InvokeAsync(["whoami", .. args.Split(' ')]);

        run.AssertExitCode(1);
        Assert.Equal(string.Empty, run.Out);
        Assert.Single(run.ErrorLines);
    }

    private static byte[] Line(string json) => Encoding.UTF8.GetBytes(json + "\n");

    private static string EndPoint(IPEndPoint endPoint) => $"{{\"address\":\"{endPoint.Address}\",\"port\":{endPoint.Port}}}";
}
