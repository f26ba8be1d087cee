using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace KestrelEcho.Deploy.Tests.Attacks;

/// <summary>
/// The service as its own process in a network namespace of the attack's own, with every client of the attack made
/// in there too (<see cref="NamespaceSockets"/>): a flood's sockets, ports in TIME_WAIT and borrowed addresses stay
/// in the namespace, and it goes with them when the attack ends. The machine's own interfaces are never touched.
/// </summary>
internal sealed class AttackedService : IAsyncDisposable
{
    private AttackedService(AttackScale scale, NetworkNamespace network, NamespaceSockets sockets, ServiceProcess process)
    {
        Scale = scale;
        Network = network;
        Sockets = sockets;
        Process = process;
    }

    public AttackScale Scale { get; }

    public NetworkNamespace Network { get; }

    public NamespaceSockets Sockets { get; }

    public ServiceProcess Process { get; }

    public IPEndPoint Echo { get; private set; } = null!;

    public IPEndPoint Http { get; private set; } = null!;

    /// <summary>For /metrics and /health/live: its own connections, so a stuck one of the attack's cannot hold it up.</summary>
    public HttpClient Ops { get; private set; } = null!;

    /// <summary>
    /// Starts the service in a new namespace with <paramref name="settings"/> (name, value pairs, which win over the
    /// battery's Echo:RefusalLogInterval); <paramref name="localNetwork"/>, when given, is routed to the namespace's
    /// loopback as its own, for clients from as many IPv6 addresses as they like.
    /// </summary>
    public static async Task<AttackedService> StartAsync(AttackScale scale, IPNetwork? localNetwork, params string[] settings)
    {
        var network = await NetworkNamespace.CreateAsync();
        NamespaceSockets? sockets = null;
        try
        {
            if (localNetwork is { } local)
            {
                await network.AddLocalRouteAsync(local);
            }

            sockets = await NamespaceSockets.EnterAsync(network);
            var process = ServiceProcess.StartUnder(
                network.ExecPrefix,
                ["--Echo:RefusalLogInterval", scale.RefusalLogInterval.ToString("c", CultureInfo.InvariantCulture), .. settings]);
            var service = new AttackedService(scale, network, sockets, process);
            service.Echo = await process.WaitForEchoEndPointAsync();
            service.Http = await process.WaitForHttpEndPointAsync();
            service.Ops = sockets.CreateHttpClient(service.Http, TimeSpan.FromSeconds(30));
            return service;
        }
        catch
        {
            sockets?.Dispose();
            await network.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection to the plain echo endpoint, from <paramref name="source"/> when given.</summary>
    public Task<Socket> ConnectEchoAsync(CancellationToken cancellationToken, IPAddress? source = null, Action<Socket>? beforeConnect = null) =>
        Sockets.ConnectAsync(Echo, cancellationToken, source, beforeConnect);

    public async Task<string> MetricsAsync(CancellationToken cancellationToken) =>
        await Ops.GetStringAsync("/metrics", cancellationToken);

    /// <summary>Starts the canary (on <paramref name="canary"/>, which it then owns), the health probe and the resource sampler.</summary>
    public AttackWatch Watch(Socket canary) => AttackWatch.Start(this, canary);

    public async ValueTask DisposeAsync()
    {
        Ops?.Dispose();
        await Process.DisposeAsync();
        Sockets.Dispose();
        await Network.DisposeAsync();
    }
}
