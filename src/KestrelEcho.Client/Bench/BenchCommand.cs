using System.CommandLine;
using KestrelEcho.Client.Cli;
using KestrelEcho.Client.Connections;

namespace KestrelEcho.Client.Bench;

/// <summary>
/// <c>bench</c>: load with every byte verified, bounded by its duration. A live count is drawn on standard error
/// only when a person watches; the result is plain lines, or JSON with <c>--json</c>.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(ClientConsole console)
    {
        var mode = new Option<string>("--mode") { Description = "What to measure: pingpong (one message in flight per connection)", DefaultValueFactory = _ => "pingpong" };
        mode.AcceptOnlyFromAmong("pingpong");
        var connectionCount = new Option<int>("--connections", "-c") { Description = "Connections at once", DefaultValueFactory = _ => 1 };
        var size = new Option<int>("--size", "-s") { Description = "Message size in bytes", DefaultValueFactory = _ => 64 };
        var duration = new Option<double>("--duration", "-d") { Description = "Seconds to measure, after the warm-up", DefaultValueFactory = _ => 10 };
        var warmup = new Option<double>("--warmup") { Description = "Seconds to run before measuring", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        AddRange(connectionCount, 1, 10_000);
        AddRange(size, 1, 16 * 1024 * 1024);
        AddRange(duration, 0.001, 3600);
        AddRange(warmup, 0, 3600);

        var connection = new ConnectionOptions();
        var command = new Command("bench", "Measure echo rate and latency, verifying every byte") { mode, connectionCount, size, duration, warmup, json };
        connection.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = new PingPongSettings(
                parseResult.GetValue(connectionCount),
                parseResult.GetValue(size),
                TimeSpan.FromSeconds(parseResult.GetValue(duration)),
                TimeSpan.FromSeconds(parseResult.GetValue(warmup)));
            try
            {
                var benchmark = new PingPongBenchmark(connection.Read(parseResult, console), settings);
                var result = await RunWithProgressAsync(benchmark, console, cancellationToken);
                await console.Out.WriteAsync(parseResult.GetValue(json) ? BenchReport.Json(result) : BenchReport.Plain(result));
                return ExitCodes.Success;
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

    private static async Task<BenchResult> RunWithProgressAsync(PingPongBenchmark benchmark, ClientConsole console, CancellationToken cancellationToken)
    {
        if (!console.IsTerminal)
        {
            return await benchmark.RunAsync(cancellationToken);
        }

        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = DrawProgressAsync(benchmark, console.Error, stopProgress.Token);
        try
        {
            return await benchmark.RunAsync(cancellationToken);
        }
        finally
        {
            await stopProgress.CancelAsync();
            await progress;
            await console.Error.WriteAsync("\r\x1b[K");
        }
    }

    private static async Task DrawProgressAsync(PingPongBenchmark benchmark, TextWriter error, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var seconds = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                seconds++;
                await error.WriteAsync($"\r{seconds} s: {benchmark.MessagesSoFar} messages echoed");
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    private static void AddRange<T>(Option<T> option, T minimum, T maximum)
        where T : struct, IComparable<T>
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<T>();
            if (value.CompareTo(minimum) < 0 || value.CompareTo(maximum) > 0)
            {
                result.AddError($"{option.Name} must be between {minimum} and {maximum}.");
            }
        });
    }
}
