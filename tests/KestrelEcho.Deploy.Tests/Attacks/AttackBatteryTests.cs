using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KestrelEcho.Deploy.Tests.Attacks;

/// <summary>
/// The attack battery: each attack on the real service in a network namespace of its own, next to a canary that
/// echoes verified bytes the whole time, a liveness probe, and samplers of memory and open files. Each asserts what
/// must hold (every byte of the canary, every probe answered, no failure logged, every connection closed for the
/// reason expected and counted exactly, refusals summarized at most once per reason per interval, peaks under stated
/// bounds) and adds its figures to TestResults/attacks.md. ./test.sh runs it at a tenth of the scale;
/// bench/attacks.sh runs it at full scale (<see cref="AttackScale"/>).
/// </summary>
[Requires(RequiresAttribute.Root)]
[Requires("iproute2")]
public sealed class AttackBatteryTests(AttackTable table) : IClassFixture<AttackTable>
{
    /// <summary>What the service holds open with nothing connected (listeners, runtime, log): measured about 150.</summary>
    private const int BaseOpenFiles = 300;

    private const int MiB = 1024 * 1024;

    /// <summary>Connects in flight at once in the silent floods: each is an open file of the service's until refused.</summary>
    private const int ParallelConnects = 200;

    private static readonly IPAddress s_attacker = IPAddress.Parse("127.0.0.2");
    private static readonly IPNetwork s_attackerNetwork = IPNetwork.Parse("2001:db8:77::/64");

    private readonly AttackScale _scale = AttackScale.Current;

    [Fact]
    public async Task SilentConnections_ToTheTlsPort_FillTheLimit_AndTimeOutInTheHandshake()
    {
        using var certificate = TestCertificate.Create();
        var limit = _scale.SilentLimit;
        string[] settings =
        [
            .. certificate.Settings(CertificateFormat.Pkcs12).SelectMany(static setting => new[] { $"--{setting.Key}", setting.Value }),
            "--Echo:MaxConnections", Text(limit),
            "--Echo:MaxConnectionsPerIp", "0",
            "--Echo:HandshakeTimeout", Text(_scale.SilentTimeout),
        ];
        await using var service = await AttackedService.StartAsync(_scale, null, settings);
        var tls = await service.Process.WaitForEchoTlsEndPointAsync();
        await using var watch = service.Watch(await service.ConnectEchoAsync(TestContext.Current.CancellationToken));

        var count = _scale.SilentConnections;
        await using var flood = new Flood(count);
        var opening = await flood.OpenAsync(count, ParallelConnects, (_, cancellationToken) => service.Sockets.ConnectAsync(tls, cancellationToken, s_attacker));
        await flood.ClosedByServiceAsync(count, _scale.SilentTimeout + TimeSpan.FromMinutes(1));

        // The canary holds one of the limit's places. Once all are open before the first times out, exactly the rest
        // of the limit is admitted and waits in the handshake; had opening been slower, freed places would be reused.
        AssertOpenedWithin(opening, _scale.SilentTimeout);
        var row = await watch.FinishAsync(
            $"{Text(count)} silent connections to the TLS port, one address",
            $"MaxConnections {Text(limit)}, MaxConnectionsPerIp 0, HandshakeTimeout {Seconds(_scale.SilentTimeout)}",
            new Dictionary<string, long> { ["handshake_timeout"] = limit - 1, ["connection_limit"] = count - (limit - 1) },
            $"opened in {Seconds(opening)}");
        table.Add(row);

        AssertPeaks(row, openFiles: limit + ParallelConnects + BaseOpenFiles, residentBytes: 200 * MiB + (limit * 32L * 1024));
    }

    [Fact]
    public async Task SilentConnections_ToTheEchoPort_WithProxyProtocolRequired_FillTheLimit_AndTimeOutWaitingForTheHeader()
    {
        var limit = _scale.SilentLimit;
        await using var service = await AttackedService.StartAsync(
            _scale,
            null,
            "--Echo:ProxyProtocol", "Required",
            "--Echo:TrustedProxies:0", "127.0.0.0/8",
            "--Echo:MaxConnections", Text(limit),
            "--Echo:ProxyHeaderTimeout", Text(_scale.SilentTimeout));
        var canary = await service.ConnectEchoAsync(TestContext.Current.CancellationToken);
        await canary.SendAllAsync(ProxyHeaders.V2(IPEndPoint.Parse("198.51.100.7:40000"), service.Echo), TestContext.Current.CancellationToken);
        await using var watch = service.Watch(canary);

        var count = _scale.SilentConnections;
        await using var flood = new Flood(count);
        var opening = await flood.OpenAsync(count, ParallelConnects, (_, cancellationToken) => service.ConnectEchoAsync(cancellationToken, s_attacker));
        await flood.ClosedByServiceAsync(count, _scale.SilentTimeout + TimeSpan.FromMinutes(1));

        AssertOpenedWithin(opening, _scale.SilentTimeout);
        var row = await watch.FinishAsync(
            $"{Text(count)} silent connections to the echo port, PROXY protocol required, one trusted address",
            $"ProxyProtocol Required, MaxConnections {Text(limit)}, ProxyHeaderTimeout {Seconds(_scale.SilentTimeout)}",
            new Dictionary<string, long> { ["proxy_protocol_timeout"] = limit - 1, ["connection_limit"] = count - (limit - 1) },
            $"opened in {Seconds(opening)}");
        table.Add(row);

        AssertPeaks(row, openFiles: limit + ParallelConnects + BaseOpenFiles, residentBytes: 200 * MiB + (limit * 32L * 1024));
    }

    [Fact]
    public async Task OneIPv6Slash64_FromDistinctAddresses_IsOneClient_ForThePerClientLimit()
    {
        const int perClient = 100;
        await using var service = await AttackedService.StartAsync(
            _scale,
            s_attackerNetwork,
            "--Echo:Address", "::1",
            "--Echo:MaxConnectionsPerIp", Text(perClient),
            "--Echo:ClientPrefixV6", "64");
        await using var watch = service.Watch(await service.ConnectEchoAsync(TestContext.Current.CancellationToken));

        var count = _scale.IPv6Connections;
        const int maxOpen = 1_000;
        await using var flood = new Flood(maxOpen);
        var opening = await flood.OpenAsync(count, 100, (number, cancellationToken) => service.ConnectEchoAsync(cancellationToken, AttackerAddress(number)));
        await flood.ClosedByServiceAsync(count - perClient, TimeSpan.FromMinutes(1));

        var row = await watch.FinishAsync(
            $"{Text(count)} connections from {Text(count)} addresses of one IPv6 /64",
            $"MaxConnectionsPerIp {perClient}, ClientPrefixV6 64",
            new Dictionary<string, long> { ["per_ip_limit"] = count - perClient },
            $"{flood.Held} held; opened in {Seconds(opening)}");
        table.Add(row);

        Assert.Equal(perClient, flood.Held);
        Assert.Contains(service.Process.Stdout, line => line.Contains($"per_ip_limit; most from {s_attackerNetwork} ×", StringComparison.Ordinal));
        // The service closes each refused connection at once, but it is an open file until then: at most what the client has open.
        AssertPeaks(row, openFiles: maxOpen + BaseOpenFiles, residentBytes: 200 * MiB);
    }

    [Fact]
    public async Task SlowReaders_AreClosedAfterTheSlowReaderTimeout()
    {
        await using var service = await AttackedService.StartAsync(_scale, null, "--Echo:SlowReaderTimeout", Text(_scale.SlowReaderTimeout));
        await using var watch = service.Watch(await service.ConnectEchoAsync(TestContext.Current.CancellationToken));

        // 50 from each of 127.0.0.10 on: the default Echo:MaxConnectionsPerIp (100) admits every one. Small socket
        // buffers, so what each one parks in the kernel stays small; then they send and never read.
        var count = _scale.SlowReaders;
        await using var flood = new Flood(count);
        var opening = await flood.OpenAsync(
            count,
            100,
            (number, cancellationToken) => service.ConnectEchoAsync(
                cancellationToken,
                new IPAddress([127, 0, 0, (byte)(10 + (number / 50))]),
                static socket => (socket.ReceiveBufferSize, socket.SendBufferSize) = (4096, 64 * 1024)),
            SendWithoutReadingAsync);
        await flood.ClosedByServiceAsync(count, _scale.SlowReaderTimeout + TimeSpan.FromMinutes(1));

        var row = await watch.FinishAsync(
            $"{Text(count)} slow readers (send, never read)",
            $"SlowReaderTimeout {Seconds(_scale.SlowReaderTimeout)}, 50 per address",
            new Dictionary<string, long> { ["slow_reader"] = count },
            $"opened in {Seconds(opening)}");
        table.Add(row);

        // Each holds at most the transport's 64 KiB of unread input and 64 KiB of unsent echo.
        AssertPeaks(row, openFiles: count + BaseOpenFiles, residentBytes: 200 * MiB + (count * 256L * 1024));
    }

    [Fact]
    public async Task RefusedConnects_FromOneAddressOverItsLimit_AreCountedExactly_AndSummarizedInTheLog()
    {
        const int perClient = 100;
        await using var service = await AttackedService.StartAsync(_scale, null, "--Echo:MaxConnectionsPerIp", Text(perClient));
        await using var watch = service.Watch(await service.ConnectEchoAsync(TestContext.Current.CancellationToken));

        await using var held = new Flood(perClient);
        await held.OpenAsync(perClient, perClient, (_, cancellationToken) => service.ConnectEchoAsync(cancellationToken, s_attacker));
        await Poll.UntilAsync(
            async () => PrometheusText.Sum(await service.MetricsAsync(TestContext.Current.CancellationToken), "kestrel_echo_connections_active") == perClient + 1,
            TimeSpan.FromSeconds(30),
            $"the service to admit the {perClient} held connections and the canary");

        // Each refused connection is opened and closed: the client never holds more than it connects at once.
        var count = _scale.RefusedConnects;
        await using var refused = new Flood(256);
        var opening = await refused.OpenAsync(count, 64, (_, cancellationToken) => service.ConnectEchoAsync(cancellationToken, s_attacker));
        await refused.ClosedByServiceAsync(count, TimeSpan.FromMinutes(1));

        var row = await watch.FinishAsync(
            $"{Text(count)} refused connects from one address holding its {perClient}",
            $"MaxConnectionsPerIp {perClient}, RefusalLogInterval {Seconds(_scale.RefusalLogInterval)}",
            new Dictionary<string, long> { ["per_ip_limit"] = count },
            $"{count / opening.TotalSeconds:N0} refusals/s");
        table.Add(row);

        Assert.Equal(perClient, held.Held);
        AssertPeaks(row, openFiles: perClient + 256 + BaseOpenFiles, residentBytes: 200 * MiB);
    }

    [Fact]
    public async Task AStuckMetricsReader_NextTo16ConcurrentScrapes()
    {
        const int scrapers = 16;
        var window = _scale.SilentTimeout * 2;
        await using var service = await AttackedService.StartAsync(_scale, null);
        await using var watch = service.Watch(await service.ConnectEchoAsync(TestContext.Current.CancellationToken));

        // Asks for /metrics a thousand times over on one connection (megabytes of answers) and never reads: the
        // answers fill every buffer between it and the exporter, which then waits on this client in mid-answer.
        using var stuck = await service.Sockets.ConnectAsync(
            service.Http, TestContext.Current.CancellationToken, beforeConnect: static socket => socket.ReceiveBufferSize = 4096);
        var request = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("GET /metrics HTTP/1.1\r\nHost: attack\r\n\r\n", 1_000)));
        await stuck.SendAllAsync(request, TestContext.Current.CancellationToken);

        // Rounds of 16 scrapes at once, for twice the time Kestrel gives a reader below its minimum data rate (5 s).
        using var scrapes = service.Sockets.CreateHttpClient(service.Http, TimeSpan.FromSeconds(60));
        var slowest = TimeSpan.Zero;
        var rounds = 0;
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < window)
        {
            var times = await Task.WhenAll(Enumerable.Range(0, scrapers).Select(_ => ScrapeAsync(scrapes)));
            slowest = times.Append(slowest).Max();
            rounds++;
        }

        var unread = stuck.Available;
        var row = await watch.FinishAsync(
            "a client that asks /metrics and never reads, next to 16 concurrent scrapes",
            "defaults",
            new Dictionary<string, long>(),
            $"{rounds} rounds of {scrapers} scrapes in {Seconds(window)}, all 200, slowest {slowest.TotalMilliseconds:0} ms; the stuck client had {Text(unread)} bytes unread");
        table.Add(row);

        AssertPeaks(row, openFiles: BaseOpenFiles, residentBytes: 200 * MiB);
    }

    [Fact]
    public async Task Garbage_OnEveryPort_IsEchoedOrRefused_AndNothingElse()
    {
        using var certificate = TestCertificate.Create();
        string[] settings =
        [
            .. certificate.Settings(CertificateFormat.Pkcs12).SelectMany(static setting => new[] { $"--{setting.Key}", setting.Value }),
            "--Admin:Port", "0",
        ];
        await using var service = await AttackedService.StartAsync(_scale, null, settings);
        var tls = await service.Process.WaitForEchoTlsEndPointAsync();
        var admin = await service.Process.WaitForAdminEndPointAsync();
        await using var watch = service.Watch(await service.ConnectEchoAsync(TestContext.Current.CancellationToken));

        var count = _scale.GarbagePerPort;
        var echoed = await SendGarbageAsync(service, service.Echo, count, seed: 1);
        Assert.All(echoed, static exchange => Assert.Equal(exchange.Sent, exchange.Received));
        await SendGarbageAsync(service, tls, count, seed: 2);
        var http = Answers(await SendGarbageAsync(service, service.Http, count, seed: 3));
        var adminAnswers = Answers(await SendGarbageAsync(service, admin, count, seed: 4));

        var row = await watch.FinishAsync(
            $"{Text(count)} connections of random bytes to each port: echo, TLS echo, HTTP, admin",
            "TLS on, Admin:Port set",
            new Dictionary<string, long> { ["client_closed"] = count, ["tls_handshake_failed"] = count },
            $"echo: all echoed exactly; HTTP: {http}; admin: {adminAnswers}");
        table.Add(row);

        AssertPeaks(row, openFiles: BaseOpenFiles + 64, residentBytes: 200 * MiB);
    }

    /// <summary>Connection <paramref name="number"/> of the /64: a distinct address each, none of them on an interface.</summary>
    private static IPAddress AttackerAddress(int number)
    {
        var bytes = s_attackerNetwork.BaseAddress.GetAddressBytes();
        BitConverter.TryWriteBytes(bytes.AsSpan(12), IPAddress.HostToNetworkOrder(number + 1));
        return new IPAddress(bytes);
    }

    /// <summary>Sends until the service gives up on it (a reset fails the send); bounded, in case it never does.</summary>
    private static async Task SendWithoutReadingAsync(Socket socket)
    {
        var chunk = new byte[16 * 1024];
        for (var sent = 0L; sent < 64L * MiB; sent += chunk.Length)
        {
            await socket.SendAllAsync(chunk, CancellationToken.None);
        }

        Assert.Fail("A slow reader sent 64 MiB without being closed.");
    }

    /// <summary>
    /// Opens <paramref name="count"/> connections to <paramref name="endPoint"/>, 32 at a time, each sending 1 to
    /// 8,192 random bytes then FIN, and reading until the service closes it; returns what each sent and got.
    /// </summary>
    private static async Task<List<(byte[] Sent, byte[] Received)>> SendGarbageAsync(AttackedService service, IPEndPoint endPoint, int count, int seed)
    {
        var exchanges = new (byte[] Sent, byte[] Received)[count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = TestContext.Current.CancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, count), options, async (number, cancellationToken) =>
        {
            var random = new Random((seed * 1_000_000) + number);
            var garbage = new byte[random.Next(1, 8193)];
            random.NextBytes(garbage);
            using var socket = await service.Sockets.ConnectAsync(endPoint, cancellationToken, s_attacker);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            try
            {
                await socket.SendAllAsync(garbage, timeout.Token);
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException exception) when (exception.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown)
            {
                // The service answered and closed before all of it was sent (HTTP's 400).
            }

            exchanges[number] = (garbage, await socket.ReceiveUntilClosedAsync(timeout.Token));
        });
        return [.. exchanges];
    }

    /// <summary>How the HTTP side answered garbage: the status lines it sent, and how often it closed without one.</summary>
    private static string Answers(IEnumerable<(byte[] Sent, byte[] Received)> exchanges) =>
        string.Join(", ", exchanges
            .Select(static exchange => exchange.Received.Length == 0 ? "closed without an answer" : Encoding.ASCII.GetString(exchange.Received).Split("\r\n")[0])
            .GroupBy(static answer => answer)
            .OrderByDescending(static group => group.Count())
            .Select(static group => $"{group.Key} ×{Text(group.Count())}"));

    private static async Task<TimeSpan> ScrapeAsync(HttpClient http)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("kestrel_echo_connections_active", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        return Stopwatch.GetElapsedTime(started);
    }

    private static void AssertOpenedWithin(TimeSpan opening, TimeSpan timeout) =>
        Assert.True(
            opening < timeout,
            $"Opening took {Seconds(opening)}, longer than the {Seconds(timeout)} timeout: places freed by timeouts were reused, so the split between the reasons is not exact; raise the timeout for this scale.");

    private static void AssertPeaks(AttackRow row, int openFiles, long residentBytes)
    {
        Assert.True(row.PeakOpenFiles <= openFiles, $"Peak open files {row.PeakOpenFiles}, over the bound of {openFiles}.");
        Assert.True(row.PeakResidentBytes <= residentBytes, $"Peak RSS {row.PeakResidentBytes / MiB} MiB, over the bound of {residentBytes / MiB} MiB.");
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan value) => $"{value.TotalSeconds:0.#} s";
}
