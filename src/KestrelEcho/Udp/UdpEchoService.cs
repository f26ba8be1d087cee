using System.Net;
using System.Net.Sockets;
using KestrelEcho.Net;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Udp;

/// <summary>
/// Runs the UDP echo when <c>EchoUdp:Enabled</c>: binds its socket at start (a port in use stops the start), runs
/// the receive loop on a thread of its own, sweeps idle flows once a second and writes one summary line of what was
/// dropped per <see cref="DropSummaryInterval"/>, never a line per datagram. Stopping ends the loop within its wake
/// interval.
/// </summary>
internal sealed partial class UdpEchoService(
    IOptions<EchoUdpOptions> options,
    UdpFlowTable flows,
    UdpMetrics metrics,
    ListenEndpoints endpoints,
    TimeProvider timeProvider,
    ILogger<UdpEchoService> logger) : BackgroundService
{
    public static readonly TimeSpan DropSummaryInterval = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan s_sweepInterval = TimeSpan.FromSeconds(1);
    private static readonly UdpDropReason[] s_reasons = Enum.GetValues<UdpDropReason>();

    private readonly long[] _droppedAtLastSummary = new long[s_reasons.Length];
    private readonly TaskCompletionSource _loopEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Socket? _socket;
    private UdpEchoLoop? _loop;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            _loopEnded.SetResult();
            return;
        }

        _socket = Bind(settings);
        var bound = (IPEndPoint)_socket.LocalEndPoint!;
        endpoints.EchoUdp = bound;
        var allowed = settings.AllowedSourcePorts.Select(static entry => UdpSourcePorts.TryParseRange(entry, out var range) ? range : default);
        _loop = new UdpEchoLoop(
            _socket,
            new UdpSourcePorts(allowed, bound.Port),
            flows,
            metrics.Counters,
            settings.MaxDatagramSize,
            timeProvider,
            logger);

        var thread = new Thread(RunLoop) { IsBackground = true, Name = "UDP echo" };
        thread.Start();
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _loop?.Stop();
        await _loopEnded.Task.WaitAsync(cancellationToken);
        await base.StopAsync(cancellationToken);
        SummarizeDrops(DropSummaryInterval);
        _socket?.Dispose();
    }

    public override void Dispose()
    {
        _socket?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(s_sweepInterval, timeProvider);
        var ticksPerSummary = (int)(DropSummaryInterval / s_sweepInterval);
        for (var tick = 1; await timer.WaitForNextTickAsync(stoppingToken); tick++)
        {
            flows.Sweep(timeProvider.GetTimestamp());
            if (tick % ticksPerSummary == 0)
            {
                SummarizeDrops(DropSummaryInterval);
            }
        }
    }

    private static Socket Bind(EchoUdpOptions settings)
    {
        var (family, address) = settings.Address == ListenAddress.Any
            ? Socket.OSSupportsIPv6 ? (AddressFamily.InterNetworkV6, IPAddress.IPv6Any) : (AddressFamily.InterNetwork, IPAddress.Any)
            : (IPAddress.Parse(settings.Address).AddressFamily, IPAddress.Parse(settings.Address));

        var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (family == AddressFamily.InterNetworkV6)
            {
                // One socket for both families on "*"; a literal IPv6 address takes only IPv6.
                socket.DualMode = settings.Address == ListenAddress.Any;
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.PacketInformation, true);
            }

            if (family == AddressFamily.InterNetwork || socket.DualMode)
            {
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.PacketInformation, true);
            }

            socket.Blocking = true;
            socket.ReceiveTimeout = (int)UdpEchoLoop.WakeInterval.TotalMilliseconds;
            socket.Bind(new IPEndPoint(address, settings.Port));
            return socket;
        }
        catch (SocketException exception)
        {
            socket.Dispose();
            throw new UdpEchoBindException(
                exception.SocketErrorCode == SocketError.AddressAlreadyInUse
                    ? $"UDP port {settings.Port} is already in use ({EchoUdpSettings.Port}); stop what holds it or choose another port."
                    : $"the UDP echo cannot bind {settings.Address}:{settings.Port} ({EchoUdpSettings.Port}): {exception.Message}",
                exception);
        }
    }

    private void RunLoop()
    {
        try
        {
            _loop!.Run();
        }
        finally
        {
            _loopEnded.SetResult();
        }
    }

    private void SummarizeDrops(TimeSpan interval)
    {
        var total = 0L;
        var byReason = new List<string>();
        foreach (var reason in s_reasons)
        {
            var dropped = metrics.Counters.Dropped(reason);
            var since = dropped - _droppedAtLastSummary[(int)reason];
            _droppedAtLastSummary[(int)reason] = dropped;
            if (since > 0)
            {
                total += since;
                byReason.Add($"{reason.ToName()} {since}");
            }
        }

        if (total > 0)
        {
            LogDropped(logger, total, interval.TotalSeconds, string.Join(", ", byReason));
        }
    }

    [LoggerMessage(2, LogLevel.Information, "{Count} UDP datagrams dropped in the last {IntervalSeconds} s: {Reasons}", EventName = "UdpDatagramsDropped")]
    private static partial void LogDropped(ILogger logger, long count, double intervalSeconds, string reasons);
}
