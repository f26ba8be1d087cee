using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace KestrelEcho.Deploy.Tests.Haproxy;

/// <summary>
/// deploy/haproxy/haproxy.cfg in front of three real service processes, as the README's "Scaling out" runs it:
/// PROXY protocol v2, leastconn, readiness checks, and a stop that no client notices.
/// </summary>
[Requires("haproxy")]
public sealed partial class HaproxyTests
{
    private const int Instances = 3;
    private const int HeldClients = 300;
    private const int ClientAddresses = 10;
    private const int StoppingWorkers = 12;

    [Fact]
    public async Task ShippedConfig_PassesHaproxyCheck_AndMatchesTheService()
    {
        var config = HaproxyConfig.Shipped();

        var check = await ChildProcess.RunAsync(DeployTools.Haproxy, ["-c", "-f", DeployPaths.HaproxyConfig]);

        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("balance leastconn", config.Text, StringComparison.Ordinal);
        Assert.Contains("option httpchk GET /health/ready", config.Text, StringComparison.Ordinal);
        Assert.Contains("http-check expect status 200", config.Text, StringComparison.Ordinal);
        Assert.Equal(Instances, config.Servers.Count);
        var shipped = ServiceSettings.Shipped();
        var echo = ServiceSettings.Echo(shipped);
        var httpPort = shipped.GetSection("Http:Port").Value;
        Assert.All(config.Servers, server =>
        {
            Assert.EndsWith($":{echo.Port}", server.Groups["address"].Value, StringComparison.Ordinal);
            Assert.Contains($" send-proxy-v2 check port {httpPort} ", server.Value, StringComparison.Ordinal);
        });

        // The instance, not the balancer, must end an idle client (with idle_timeout and a FIN).
        Assert.True(config.TunnelTimeout > echo.IdleTimeout, $"timeout tunnel {config.TunnelTimeout} must outlast Echo:IdleTimeout {echo.IdleTimeout}");
        Assert.Contains($"Echo:ShutdownDelay={config.RecommendedShutdownDelay:hh\\:mm\\:ss}", config.Text, StringComparison.Ordinal);
    }

    [Fact]
    [Requires(RequiresAttribute.Root)]
    public async Task ThreeInstances_EchoEveryClientWithItsRealAddress_AndOneStopsUnderTrafficWithoutFailingAClient()
    {
        RequiredTool.AssertRoot("the shipped configuration chroots and drops to user haproxy");
        using var timeout = TestTimeout.Start(90);
        var config = HaproxyConfig.Shipped();
        var delay = config.RecommendedShutdownDelay;
        var services = Enumerable.Range(0, Instances).Select(_ => ServiceProcess.Start(
            "--Echo:ProxyProtocol", "Required",
            "--Echo:TrustedProxies:0", "127.0.0.1",
            "--Echo:ShutdownDelay", delay.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            "--Echo:DrainTimeout", "00:00:10")).ToList();
        HaproxyProcess? haproxy = null;
        try
        {
            var instances = new List<(IPEndPoint Echo, IPEndPoint Http)>();
            foreach (var service in services)
            {
                instances.Add((await service.WaitForEchoEndPointAsync(), await service.WaitForHttpEndPointAsync()));
            }

            var frontend = new IPEndPoint(IPAddress.Loopback, FreePort.OnLoopback());
            var statsPort = FreePort.OnLoopback();
            haproxy = await HaproxyProcess.StartAsync(statsSocket => config.RenderOnLoopback(frontend, statsPort, statsSocket, instances, maxConnections: 2000));
            await Poll.UntilAsync(
                async () => (await haproxy.ShowServersAsync()).Count(static server => server.Status == "UP") == Instances,
                TimeSpan.FromSeconds(20),
                "HAProxy to see every instance UP");
            using (var statsPage = new HttpClient())
            {
                Assert.Contains("kestrel_echo,echo-1,", await statsPage.GetStringAsync($"http://127.0.0.1:{statsPort}/;csv", timeout.Token), StringComparison.Ordinal);
            }

            await HeldClients_AreEchoedAndSpread_AndEachInstanceListsThemWithTheirOwnAddressesAsync(frontend, instances, timeout.Token);
            await OneInstanceStops_HaproxyStopsSendingFirst_AndNoClientFailsAsync(frontend, haproxy, services[0], timeout.Token);
        }
        finally
        {
            if (haproxy is not null)
            {
                await haproxy.DisposeAsync();
            }

            foreach (var service in services)
            {
                await service.DisposeAsync();
            }
        }
    }

    private static async Task HeldClients_AreEchoedAndSpread_AndEachInstanceListsThemWithTheirOwnAddressesAsync(
        IPEndPoint frontend, IReadOnlyList<(IPEndPoint Echo, IPEndPoint Http)> instances, CancellationToken cancellationToken)
    {
        var clients = new List<Socket>(HeldClients);
        try
        {
            for (var i = 0; i < HeldClients; i++)
            {
                clients.Add(await ConnectAsync(frontend, i, cancellationToken));
            }

            await Task.WhenAll(clients.Select((client, i) => AssertEchoedAsync(client, Payload.Random(4096, seed: i), cancellationToken)));

            var listed = new List<JsonElement>();
            await Poll.UntilAsync(
                async () =>
                {
                    listed.Clear();
                    foreach (var (_, http) in instances)
                    {
                        using var admin = new HttpClient { BaseAddress = new Uri($"http://{http}") };
                        listed.AddRange((await admin.GetJsonAsync("/connections", cancellationToken)).GetProperty("connections").EnumerateArray());
                    }

                    return listed.Count == HeldClients;
                },
                TimeSpan.FromSeconds(10),
                () => $"the instances to list all {HeldClients} clients (they list {listed.Count})");

            // Exactly the clients' own sockets, each listed once, whichever instance holds it.
            var clientEndPoints = clients.Select(static client => client.LocalEndPoint!.ToString()!).Order().ToList();
            Assert.Equal(clientEndPoints, listed.Select(static c => $"{c.GetProperty("remoteAddress")}:{c.GetProperty("remotePort")}").Order().ToList());
            Assert.All(listed, connection =>
            {
                Assert.Equal(frontend.ToString(), connection.GetProperty("localEndPoint").GetString());
                Assert.StartsWith("127.0.0.1:", connection.GetProperty("proxy").GetString(), StringComparison.Ordinal);
            });

            var perInstance = new List<int>();
            foreach (var (_, http) in instances)
            {
                using var admin = new HttpClient { BaseAddress = new Uri($"http://{http}") };
                perInstance.Add((await admin.GetJsonAsync("/connections?limit=0", cancellationToken)).GetProperty("total").GetInt32());
            }

            // leastconn with every client held open: as even as the order of the connects allows.
            Assert.True(perInstance.All(static count => count >= HeldClients / Instances * 8 / 10), $"unbalanced: {string.Join(", ", perInstance)}");

            foreach (var client in clients)
            {
                client.Shutdown(SocketShutdown.Send);
                Assert.Empty(await client.ReceiveToEndAsync(cancellationToken));
            }
        }
        finally
        {
            clients.ForEach(static client => client.Dispose());
        }
    }

    private static async Task OneInstanceStops_HaproxyStopsSendingFirst_AndNoClientFailsAsync(
        IPEndPoint frontend, HaproxyProcess haproxy, ServiceProcess stopping, CancellationToken cancellationToken)
    {
        var failures = new ConcurrentQueue<string>();
        var completed = 0;
        using var stopWorkers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // Each worker runs short connections back to back: 16 KiB, every byte checked, then a clean close. They
        // finish far within Echo:DrainTimeout, so any failure is the stop's fault.
        async Task WorkAsync(int worker)
        {
            for (var n = 0; n < 100_000 && !stopWorkers.IsCancellationRequested; n++)
            {
                try
                {
                    using var client = await ConnectAsync(frontend, worker, cancellationToken);
                    await AssertEchoedAsync(client, Payload.Random(16 * 1024, seed: (worker * 100_000) + n), cancellationToken);
                    client.Shutdown(SocketShutdown.Send);
                    if ((await client.ReceiveToEndAsync(cancellationToken)).Length != 0)
                    {
                        failures.Enqueue($"worker {worker} connection {n}: bytes after the echo");
                    }

                    Interlocked.Increment(ref completed);
                }
                catch (Exception exception) when (exception is SocketException or EndOfStreamException or Xunit.Sdk.XunitException)
                {
                    failures.Enqueue($"worker {worker} connection {n}: {exception.Message}");
                }
            }
        }

        var workers = Enumerable.Range(0, StoppingWorkers).Select(worker => Task.Run(() => WorkAsync(worker), cancellationToken)).ToList();
        try
        {
            await Poll.UntilAsync(() => Volatile.Read(ref completed) >= 100, TimeSpan.FromSeconds(20), "traffic through HAProxy before the stop");
            var atSigterm = await StatOfAsync(haproxy, "echo-1");

            await stopping.SendSignalAsync("TERM");
            HaproxyServerStat? atDown = null;
            await Poll.UntilAsync(
                async () => (atDown = await StatOfAsync(haproxy, "echo-1")).Status == "DOWN",
                TimeSpan.FromSeconds(20),
                () => $"HAProxy to mark the stopping instance DOWN (last seen: {atDown})");

            Assert.Equal(0, await stopping.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            var atExit = Volatile.Read(ref completed);
            await Poll.UntilAsync(() => Volatile.Read(ref completed) >= atExit + 100, TimeSpan.FromSeconds(20), "traffic to go on on the other two instances");
            await stopWorkers.CancelAsync();
            await Task.WhenAll(workers);

            Assert.True(failures.IsEmpty, $"{failures.Count} of {completed + failures.Count} connections failed, e.g. {string.Join("; ", failures.Take(5))}\nHAProxy's log ends:\n{string.Join('\n', haproxy.Log.Split('\n').TakeLast(20))}");
            Assert.Equal(("L7STS", "503"), (atDown!.CheckStatus, atDown.CheckCode));

            // Between SIGTERM and DOWN HAProxy kept sending: the shutdown delay served those clients.
            Assert.True(atDown.TotalSessions > atSigterm.TotalSessions, $"HAProxy sent the instance nothing between SIGTERM ({atSigterm.TotalSessions} sessions) and DOWN: the test did not exercise the delay");

            // After DOWN HAProxy sent it nothing, and the instance accepted exactly what HAProxy sent, every one
            // closed by its client: none refused (server_shutdown), none cut.
            var final = await StatOfAsync(haproxy, "echo-1");
            Assert.Equal(atDown.TotalSessions, final.TotalSessions);
            var closeReasons = stopping.Stdout.Select(static line => CloseReason().Match(line)).Where(static match => match.Success).Select(static match => match.Groups["reason"].Value).ToList();
            Assert.Equal(final.TotalSessions, closeReasons.Count);
            Assert.All(closeReasons, static reason => Assert.Equal("client_closed", reason));
            Assert.Contains(stopping.Stdout, static line => line.Contains("(Echo:ShutdownDelay)", StringComparison.Ordinal));
        }
        finally
        {
            await stopWorkers.CancelAsync();
            await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static async Task<HaproxyServerStat> StatOfAsync(HaproxyProcess haproxy, string server) =>
        Assert.Single(await haproxy.ShowServersAsync(), stat => stat.Server == server);

    /// <summary>
    /// A client from 127.0.0.(10 + i % 10): the instances limit each client address to Echo:MaxConnectionsPerIp
    /// (100), and behind PROXY protocol the address is the client's, not HAProxy's, so 300 clients need several.
    /// </summary>
    private static Task<Socket> ConnectAsync(IPEndPoint frontend, int client, CancellationToken cancellationToken) =>
        TcpClients.ConnectAsync(frontend, cancellationToken, new IPAddress([127, 0, 0, (byte)(10 + (client % ClientAddresses))]));

    private static async Task AssertEchoedAsync(Socket client, byte[] payload, CancellationToken cancellationToken)
    {
        await client.SendAllAsync(payload, cancellationToken);
        Assert.Equal(payload, await client.ReceiveExactlyAsync(payload.Length, cancellationToken));
    }

    [GeneratedRegex(@"closed: (?<reason>[a-z_]+) after")]
    private static partial Regex CloseReason();
}
