using System.CommandLine;
using System.CommandLine.Parsing;
using KestrelEcho.Client.Cli;
using KestrelEcho.Client.Connections;

namespace KestrelEcho.Client.Bench;

/// <summary>
/// <c>bench</c>: load with every byte verified, bounded by its duration. Progress goes to standard error, the
/// result to standard output: plain lines, or JSON with <c>--json</c>. Exit 0 when every byte was verified and
/// nothing failed; 1 at the first wrong byte (the run stops there); 2 when connections failed (refused, reset,
/// closed early, timed out), after the result.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(ClientConsole console)
    {
        var modes = Enum.GetValues<BenchMode>().Select(mode => mode.ToString().ToLowerInvariant()).ToArray();
        var mode = new Option<string>("--mode", "-m") { Description = $"What to measure: {string.Join(", ", modes)}", DefaultValueFactory = _ => "pingpong" };
        mode.AcceptOnlyFromAmong(modes);
        var connectionCount = new Option<int>("--connections", "-c") { Description = "Connections at once (churn: workers)", DefaultValueFactory = _ => 1 };
        var size = new Option<int>("--size", "-s") { Description = "Message size in bytes (stream: write size)", DefaultValueFactory = _ => 64 };
        var depth = new Option<int?>("--depth") { Description = "Messages (stream: writes) in flight per connection; default 1, stream 8" };
        var duration = new Option<double>("--duration", "-d") { Description = "Seconds to measure, after the warm-up (idle: to hold)", DefaultValueFactory = _ => 10 };
        var warmup = new Option<double>("--warmup") { Description = "Seconds to run before measuring (not idle)", DefaultValueFactory = _ => 1 };
        var sourceAddresses = new Option<int?>("--source-addresses") { Description = "Spread connections over 127.0.0.10 onwards, this many addresses; 0: the kernel's choice; default: automatic for loopback targets" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var udp = new Option<bool>("--udp") { Description = "pingpong over UDP: each of --connections sockets sends a datagram and waits for its reply" };
        var datagramTimeout = new Option<double>("--datagram-timeout") { Description = "With --udp: seconds to wait for a reply before the datagram counts as lost", DefaultValueFactory = _ => 0.5 };
        AddRange(connectionCount, 1, 100_000);
        AddRange(size, 1, 16 * 1024 * 1024);
        AddRange(depth, 1, 4096);
        AddRange(duration, 0.001, 86_400);
        AddRange(warmup, 0, 3600);
        AddRange(sourceAddresses, 0, SourceAddresses.MaxCount);
        AddRange(datagramTimeout, 0.001, 3600);

        var connection = new ConnectionOptions();
        var command = new Command("bench", "Load the echo and measure rate and latency, verifying every byte")
        {
            mode, connectionCount, size, depth, duration, warmup, sourceAddresses, json, udp, datagramTimeout,
        };
        connection.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var benchMode = Enum.Parse<BenchMode>(parseResult.GetValue(mode)!, ignoreCase: true);
            var settings = new BenchSettings(
                benchMode,
                parseResult.GetValue(connectionCount),
                parseResult.GetValue(size),
                parseResult.GetValue(depth) ?? (benchMode == BenchMode.Stream ? 8 : 1),
                TimeSpan.FromSeconds(parseResult.GetValue(duration)),
                TimeSpan.FromSeconds(parseResult.GetValue(warmup)))
            {
                Udp = parseResult.GetValue(udp),
                DatagramTimeout = TimeSpan.FromSeconds(parseResult.GetValue(datagramTimeout)),
            };
            try
            {
                var target = connection.Read(parseResult, console);
                if (settings.Udp)
                {
                    CheckUdp(settings, target, parseResult.GetValue(depth));
                }

                var run = await BenchRun.PrepareAsync(target, settings, parseResult.GetValue(sourceAddresses), cancellationToken);
                var progress = new BenchProgress(() => run.Phase, run.Counters, console.Error, console.ErrorIsTerminal, TimeProvider.System);
                var result = await progress.ShowWhileAsync(() => Create(run).RunAsync(cancellationToken), cancellationToken);
                await console.Out.WriteAsync(parseResult.GetValue(json) ? BenchReport.Json(result) : BenchReport.Plain(result));
                if (result.Errors > 0)
                {
                    console.Fail($"{result.Errors} error(s); the first: {result.FirstError}");
                    return ExitCodes.Unreachable;
                }

                if (result.Datagrams is { Sent: > 0 } datagrams && result.Messages == 0)
                {
                    console.Fail($"no reply to any of {datagrams.Sent} datagrams within {TimeSpanText.Seconds(settings.DatagramTimeout)} each (UDP: lost, filtered, rate-limited, or no UDP echo there)");
                    return ExitCodes.Unreachable;
                }

                return ExitCodes.Success;
            }
            catch (UsageException exception)
            {
                console.Fail(exception.Message);
                return ExitCodes.WrongEcho;
            }
            catch (EchoClientException exception)
            {
                console.Fail(exception.Message);
                return ExitCodes.Unreachable;
            }
            catch (BenchFailure failure)
            {
                console.Fail(failure.Message);
                return ExitCodes.WrongEcho;
            }
        });
        return command;
    }

    private static void CheckUdp(BenchSettings settings, EchoTarget target, int? depth)
    {
        if (settings.Mode != BenchMode.PingPong)
        {
            throw new UsageException($"--udp measures pingpong only, not {settings.ModeName}");
        }

        if (target.Tls != TlsMode.None)
        {
            throw new UsageException("--udp sends plain datagrams: drop the --tls options");
        }

        if (depth is > 1)
        {
            throw new UsageException("--udp is a strict ping-pong, one datagram in flight a socket: drop --depth");
        }

        // Each datagram carries its sequence number in its first eight bytes, to tell a late reply from the awaited one.
        if (settings.Size is < 8 or > UdpEndPoints.MaxPayload)
        {
            throw new UsageException($"--udp needs --size between 8 and {UdpEndPoints.MaxPayload} bytes");
        }
    }

    private static IBenchmark Create(BenchRun run) => run.Settings.Mode switch
    {
        BenchMode.PingPong when run.Settings.Udp => new UdpPingPongBenchmark(run),
        BenchMode.PingPong => new PingPongBenchmark(run),
        BenchMode.Stream => new StreamBenchmark(run),
        BenchMode.Idle => new IdleBenchmark(run),
        _ => new ChurnBenchmark(run),
    };

    private static void AddRange<T>(Option<T> option, T minimum, T maximum)
        where T : struct, IComparable<T> =>
        option.Validators.Add(result => CheckRange(result, option.Name, result.GetValueOrDefault<T>(), minimum, maximum));

    private static void AddRange<T>(Option<T?> option, T minimum, T maximum)
        where T : struct, IComparable<T> =>
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T?>() is { } value)
            {
                CheckRange(result, option.Name, value, minimum, maximum);
            }
        });

    private static void CheckRange<T>(OptionResult result, string name, T value, T minimum, T maximum)
        where T : struct, IComparable<T>
    {
        if (value.CompareTo(minimum) < 0 || value.CompareTo(maximum) > 0)
        {
            result.AddError($"{name} must be between {minimum} and {maximum}.");
        }
    }
}
