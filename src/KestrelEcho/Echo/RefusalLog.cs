using System.Net;
using KestrelEcho.Connections;
using KestrelEcho.Net;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Echo;

/// <summary>
/// Connections closed before the echo (refused by a limit, the drain or the PROXY protocol, or ended in the TLS
/// handshake) are logged as one line per close reason per <see cref="EchoOptions.RefusalLogInterval"/>, with the
/// count and the client networks that sent most, so a flood of 50,000 refusals writes a handful of lines instead of
/// 50,000. Connections that reached the echo keep their own close line; the metrics count every refusal exactly.
/// </summary>
internal sealed partial class RefusalLog(
    EchoSettings settings,
    IOptions<EchoOptions> options,
    TimeProvider timeProvider,
    ILogger<RefusalLog> logger) : BackgroundService
{
    private const int TopClientCount = 3;

    private readonly Lock _lock = new();
    private readonly TimeSpan _interval = options.Value.RefusalLogInterval;
    private Dictionary<CloseReason, RefusalTally> _tallies = [];

    public void Add(CloseReason reason, IPAddress? client)
    {
        var limits = settings.Current;
        IPNetwork? network = client is null ? null : ClientPrefix.Of(client, limits.ClientPrefixV4, limits.ClientPrefixV6);
        lock (_lock)
        {
            if (!_tallies.TryGetValue(reason, out var tally))
            {
                tally = new RefusalTally();
                _tallies[reason] = tally;
            }

            tally.Add(network);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // What was refused since the last tick is not lost at shutdown.
        Flush();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            Flush();
        }
    }

    private void Flush()
    {
        Dictionary<CloseReason, RefusalTally> tallies;
        lock (_lock)
        {
            if (_tallies.Count == 0)
            {
                return;
            }

            tallies = _tallies;
            _tallies = [];
        }

        foreach (var (reason, tally) in tallies.OrderByDescending(static pair => pair.Value.Count))
        {
            LogRefused(logger, tally.Count, _interval.TotalSeconds, reason.ToName(), tally.TopClients(TopClientCount));
        }
    }

    [LoggerMessage(1, LogLevel.Information, "{Count} connections closed before the echo in the last {IntervalSeconds} s: {CloseReason}; most from {TopClients}", EventName = "ConnectionsRefused")]
    private static partial void LogRefused(ILogger logger, int count, double intervalSeconds, string closeReason, string topClients);
}
