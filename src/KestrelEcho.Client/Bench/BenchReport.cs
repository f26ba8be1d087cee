using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KestrelEcho.Client.Bench;

/// <summary>A benchmark's result as plain lines for people and logs, or as one JSON document for scripts.</summary>
internal static class BenchReport
{
    public static string Plain(BenchResult result)
    {
        var settings = result.Settings;
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"mode:        {Describe(settings)}");
        text.AppendLine(culture, $"source:      {result.Sources}");
        if (result.Held is { } held)
        {
            text.AppendLine(culture, $"opened:      {held} of {settings.Connections} ({result.ConnectionsPerSecond:0.0}/s)");
            text.AppendLine(culture, $"held:        {result.Measured.TotalSeconds:0.00} s, then {result.Alive} still echoed");
        }
        else
        {
            text.AppendLine(culture, $"measured:    {result.Measured.TotalSeconds:0.00} s after {settings.Warmup.TotalSeconds:0.##} s warm-up");
            if (settings.Mode == BenchMode.Churn)
            {
                text.AppendLine(culture, $"connections: {result.ConnectionsOpened} ({result.ConnectionsPerSecond:0.0}/s), each connect, exchange, close");
            }

            var unit = settings.Mode == BenchMode.Stream ? "writes:     " : "messages:   ";
            text.AppendLine(culture, $"{unit} {result.Messages} ({result.MessagesPerSecond:0.0}/s), every byte verified");
            text.AppendLine(culture, $"throughput:  {result.MebibytesPerSecond:0.000} MiB/s each way, {result.VerifiedBytes} bytes verified");
            if (result.Datagrams is { } datagrams)
            {
                text.AppendLine(culture, $"datagrams:   {datagrams.Sent} sent, {datagrams.Lost} lost ({datagrams.LostPercent:0.00} %), {datagrams.Late} late replies");
            }
        }

        text.AppendLine(culture, $"errors:      {result.Errors}{(result.FirstError is null ? string.Empty : $", the first: {result.FirstError}")}");
        text.AppendLine(culture, $"latency:     {result.LatencyOf}");
        var latency = Latency(result);
        text.AppendLine(culture, $"latency p50   {latency.P50:0.0} µs");
        text.AppendLine(culture, $"latency p90   {latency.P90:0.0} µs");
        text.AppendLine(culture, $"latency p99   {latency.P99:0.0} µs");
        text.AppendLine(culture, $"latency p99.9 {latency.P999:0.0} µs");
        text.AppendLine(culture, $"latency max   {latency.Max:0.0} µs");
        return text.ToString();
    }

    public static string Json(BenchResult result)
    {
        var settings = result.Settings;
        var json = new BenchJson(
            settings.ModeName,
            settings.Connections,
            settings.Size,
            settings.Depth,
            result.Sources.Count,
            settings.Mode == BenchMode.Idle ? 0 : settings.Warmup.TotalSeconds,
            result.Measured.TotalSeconds,
            result.Messages,
            result.MessagesPerSecond,
            result.VerifiedBytes,
            result.MebibytesPerSecond,
            result.ConnectionsOpened,
            result.ConnectionsPerSecond,
            result.Held,
            result.Alive,
            result.Errors,
            result.FirstError,
            result.LatencyOf,
            Latency(result),
            settings.Udp ? "udp" : "tcp",
            result.Datagrams);
        return JsonSerializer.Serialize(json, BenchJsonContext.Default.BenchJson) + "\n";
    }

    private static string Describe(BenchSettings settings) => settings.Mode switch
    {
        BenchMode.PingPong when settings.Udp => $"pingpong over UDP, {settings.Connections} socket(s), {settings.Size} B datagrams, lost after {settings.DatagramTimeout.TotalSeconds:0.###} s",
        BenchMode.PingPong => $"pingpong, {settings.Connections} connection(s), {settings.Size} B messages, {settings.Depth} in flight each",
        BenchMode.Stream => $"stream, {settings.Connections} connection(s), {settings.Size} B writes, {settings.Depth} in flight each",
        BenchMode.Idle => $"idle, {settings.Connections} connection(s) held {settings.Duration.TotalSeconds:0.##} s",
        _ => $"churn, {settings.Connections} worker(s), {settings.Size} B messages",
    };

    private static LatencyJson Latency(BenchResult result) => new(
        result.Latency.Microseconds(50),
        result.Latency.Microseconds(90),
        result.Latency.Microseconds(99),
        result.Latency.Microseconds(99.9),
        result.Latency.MaxMicroseconds);
}
