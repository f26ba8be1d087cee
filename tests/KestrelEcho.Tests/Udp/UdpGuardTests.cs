using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Udp;

/// <summary>What keeps the UDP echo from being a reflector: rate limits, refused source ports, bounded flows.</summary>
public sealed class UdpGuardTests : FreshAppTest
{
    private const int Burst = 200;
    private const int PacketsPerSecond = 100;

    [Fact]
    public async Task RateLimit_HoldsAgainstA10000DatagramBurst_AndCountsTheRestAsRateLimited()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var app = await StartAppAsync(static app => app.WithUdp()
            .WithSetting("EchoUdp:PacketsPerSecondPerClient", $"{PacketsPerSecond}")
            .WithSetting("EchoUdp:BurstPerClient", $"{Burst}"));
        using var meter = new UdpMeterReader(app);
        using var client = UdpClients.Bind(IPAddress.Loopback);
        client.ReceiveBufferSize = 4 << 20;
        const int Sent = 10_000;
        const int Chunk = 250;

        var clock = Stopwatch.StartNew();
        for (var sent = 0; sent < Sent; sent += Chunk)
        {
            for (var i = 0; i < Chunk; i++)
            {
                await client.SendToAsync(new byte[16], app.EchoUdpEndPoint, cancellationToken);
            }

            // A chunk at a time, so no datagram is lost in the kernel's buffers before the echo reads it.
            var target = sent + Chunk;
            await Poll.UntilAsync(
                () => meter.Observe("kestrel_echo.udp.datagrams.received") >= target,
                TimeSpan.FromSeconds(30),
                $"the echo to have read {target} datagrams");
        }

        var answered = meter.Observe("kestrel_echo.udp.datagrams.sent");
        var received = 0;
        while (received < answered)
        {
            await client.ReceiveAsync(cancellationToken);
            received++;
        }

        var allowed = Burst + (PacketsPerSecond * clock.Elapsed.TotalSeconds);
        Assert.True(received <= allowed, $"{received} answers in {clock.Elapsed.TotalSeconds:0.00} s; at most {allowed:0} allowed");
        Assert.True(received >= Burst, $"{received} answers; the burst of {Burst} should pass");
        Assert.Equal(0, client.Available);
        Assert.Equal(Sent - received, meter.Dropped("rate_limited"));
    }

    [Fact]
    public async Task ByteRate_LimitsLargeDatagramsBeforeThePacketRateDoes()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var app = await StartAppAsync(static app => app.WithUdp()
            .WithSetting("EchoUdp:MaxDatagramSize", "1000")
            .WithSetting("EchoUdp:BytesPerSecondPerClient", "3000"));
        using var meter = new UdpMeterReader(app);
        using var client = UdpClients.Bind(IPAddress.Loopback);

        // The byte bucket holds one second's worth, 3000 bytes: three 1000-byte datagrams, then a fourth only after a third of a second.
        for (var i = 0; i < 3; i++)
        {
            await client.ExchangeAsync(new byte[1000], app.EchoUdpEndPoint, cancellationToken);
        }

        await client.AssertNotAnsweredAsync(new byte[1000], app.EchoUdpEndPoint, cancellationToken);
        Assert.Equal(1, meter.Dropped("rate_limited"));
    }

    [Fact]
    public async Task TheEchosOwnPort_IsNeverAnswered_AndIsCountedAsReflector()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var app = await StartAppAsync(static app => app.WithUdp("127.0.0.1"));
        using var meter = new UdpMeterReader(app);

        // Another echo on our port would answer our answer: a loop. Here it is the same port on another loopback address.
        using var otherEcho = UdpClients.Bind(IPAddress.Parse("127.0.0.2"), app.EchoUdpEndPoint.Port);

        await otherEcho.AssertNotAnsweredAsync("loop?"u8.ToArray(), app.EchoUdpEndPoint, cancellationToken);
        Assert.Equal(1, meter.Dropped("reflector_port"));
    }

    [Theory]
    [Requires(RequiresAttribute.Root)]
    [InlineData(53)]
    [InlineData(123)]
    [InlineData(19)]
    public async Task AReflectorSourcePort_IsNeverAnswered_EvenWhenAllowed(int port)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var app = await StartAppAsync(static app => app.WithUdp().WithSetting("EchoUdp:AllowedSourcePorts:0", "1-1023"));
        using var meter = new UdpMeterReader(app);
        using var reflector = UdpClients.Bind(IPAddress.Parse("127.0.0.9"), port);

        await reflector.AssertNotAnsweredAsync("reflect me"u8.ToArray(), app.EchoUdpEndPoint, cancellationToken);
        Assert.Equal(1, meter.Dropped("reflector_port"));
    }

    [Fact]
    [Requires(RequiresAttribute.Root)]
    public async Task APrivilegedSourcePort_IsAnsweredOnlyWhenAllowed()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var strict = await StartAppAsync(static app => app.WithUdp());
        var allowing = await StartAppAsync(static app => app.WithUdp().WithSetting("EchoUdp:AllowedSourcePorts:0", "1000-1001"));
        using var client = UdpClients.Bind(IPAddress.Parse("127.0.0.9"), 1000);

        await client.AssertNotAnsweredAsync("from 1000"u8.ToArray(), strict.EchoUdpEndPoint, cancellationToken);
        var (echoed, _) = await client.ExchangeAsync("from 1000"u8.ToArray(), allowing.EchoUdpEndPoint, cancellationToken);

        Assert.Equal("from 1000"u8.ToArray(), echoed);
        using var strictMeter = new UdpMeterReader(strict);
        using var allowingMeter = new UdpMeterReader(allowing);
        Assert.Equal(1, strictMeter.Dropped("privileged_port"));
        Assert.Equal(0, allowingMeter.Dropped("privileged_port"));
    }

    [Fact]
    public async Task IdleFlow_IsForgottenAfterTheFlowIdleTimeout()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var app = await StartAppAsync(static app => app.WithUdp().WithSetting("EchoUdp:FlowIdleTimeout", "00:00:01"));
        var http = app.CreateClient();
        using var meter = new UdpMeterReader(app);
        using var client = UdpClients.Bind(IPAddress.Loopback);
        await client.ExchangeAsync("remember me"u8.ToArray(), app.EchoUdpEndPoint, cancellationToken);
        Assert.Equal(1, (await http.GetJsonAsync("/connections?transport=udp", cancellationToken)).GetProperty("total").GetInt32());
        Assert.Equal(1, meter.Observe("kestrel_echo.udp.flows.active"));

        await Poll.UntilAsync(
            async () => (await http.GetJsonAsync("/connections?transport=udp", cancellationToken)).GetProperty("total").GetInt32() == 0,
            TimeSpan.FromSeconds(15),
            "the idle flow to be forgotten");
        Assert.Equal(0, meter.Observe("kestrel_echo.udp.flows.active"));
    }

    [Fact]
    public async Task PastMaxFlows_NewSourcesShareOneBucket_AndTheRestAreCountedAsFlowLimit()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var app = await StartAppAsync(static app => app.WithUdp()
            .WithSetting("EchoUdp:MaxFlows", "2")
            .WithSetting("EchoUdp:PacketsPerSecondPerClient", "1")
            .WithSetting("EchoUdp:BurstPerClient", "1"));
        var http = app.CreateClient();
        using var meter = new UdpMeterReader(app);
        using var first = UdpClients.Bind(IPAddress.Loopback);
        using var second = UdpClients.Bind(IPAddress.Loopback);
        await first.ExchangeAsync([1], app.EchoUdpEndPoint, cancellationToken);
        await second.ExchangeAsync([2], app.EchoUdpEndPoint, cancellationToken);

        var clock = Stopwatch.StartNew();
        var late = Enumerable.Range(0, 20).Select(_ => UdpClients.Bind(IPAddress.Loopback)).ToList();
        try
        {
            foreach (var socket in late)
            {
                await socket.SendToAsync(new byte[8], app.EchoUdpEndPoint, cancellationToken);
            }

            await Poll.UntilAsync(
                () => meter.Observe("kestrel_echo.udp.datagrams.received") == 22,
                TimeSpan.FromSeconds(10),
                "the echo to have read every datagram");
            var answeredLate = meter.Observe("kestrel_echo.udp.datagrams.sent") - 2;
            var list = await http.GetJsonAsync("/connections?transport=udp", cancellationToken);

            Assert.Equal(2, list.GetProperty("total").GetInt32());
            Assert.True(answeredLate <= 1 + clock.Elapsed.TotalSeconds, $"{answeredLate} of the late sources answered in {clock.Elapsed.TotalSeconds:0.00} s: more than one client's share");
            Assert.Equal(20 - answeredLate, meter.Dropped("flow_limit"));
        }
        finally
        {
            late.ForEach(static socket => socket.Dispose());
        }
    }

    [Fact]
    public async Task Drops_AreLoggedAsASummary_NeverOneLineEach()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var app = await StartAppAsync(static app => app.WithUdp());
        using var meter = new UdpMeterReader(app);
        using var client = UdpClients.Bind(IPAddress.Loopback);
        for (var i = 0; i < 50; i++)
        {
            await client.SendToAsync(new byte[1473], app.EchoUdpEndPoint, cancellationToken);
        }

        await Poll.UntilAsync(() => meter.Dropped("oversized") == 50, TimeSpan.FromSeconds(10), "the echo to have dropped all 50");
        await app.StopAsync(cancellationToken);

        // One line at the stop, or two if the 10 s summary ticked while the datagrams came.
        var lines = app.Logs.WithEvent("UdpDatagramsDropped");
        Assert.InRange(lines.Count, 1, 2);
        Assert.Equal(50, lines.Sum(static line => int.Parse(line.Message.AsSpan(0, line.Message.IndexOf(' ', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(lines, static line => Assert.Contains(": oversized ", line.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task FreshService_ExportsEveryUdpSeriesAtZero_UnderItsPrometheusName()
    {
        using var timeout = TestTimeout.Start();
        await using var service = ServiceProcess.Start("--EchoUdp:Enabled", "true", "--EchoUdp:Address", "127.0.0.1", "--EchoUdp:Port", "0");
        using var http = await service.CreateHttpClientAsync();
        await service.WaitForLineAsync("UDP echo listening on udp://127.0.0.1:");

        var metrics = "";
        await Poll.UntilAsync(
            async () => PrometheusText.Sum(metrics = await http.GetStringAsync("/metrics", timeout.Token), "kestrel_echo_udp_datagrams_received_total") is not null,
            TimeSpan.FromSeconds(10),
            () => $"the UDP series on /metrics:\n{metrics}");

        foreach (var reason in (string[])["rate_limited", "reflector_port", "privileged_port", "oversized", "flow_limit", "send_failed"])
        {
            Assert.Equal(0, PrometheusText.Sum(metrics, "kestrel_echo_udp_dropped_total", $"kestrel_echo_udp_drop_reason=\"{reason}\""));
        }

        foreach (var metric in (string[])["kestrel_echo_udp_datagrams_received_total", "kestrel_echo_udp_datagrams_sent_total", "kestrel_echo_udp_received_bytes_total", "kestrel_echo_udp_sent_bytes_total", "kestrel_echo_udp_flows_active"])
        {
            Assert.Equal(0, PrometheusText.Sum(metrics, metric));
        }

        Assert.Contains("# TYPE kestrel_echo_udp_flows_active gauge", metrics, StringComparison.Ordinal);
    }
}
