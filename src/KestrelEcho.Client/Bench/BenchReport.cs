using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KestrelEcho.Client.Bench;

/// <summary>A benchmark's result as plain lines for people and logs, or as JSON for scripts.</summary>
internal static class BenchReport
{
    private static readonly (string Name, double Percentile)[] s_percentiles = [("p50", 50), ("p90", 90), ("p99", 99), ("p99.9", 99.9)];

    public static string Plain(BenchResult result)
    {
        var settings = result.Settings;
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"mode:        pingpong, {settings.Connections} connection(s), {settings.MessageSize} B messages");
        text.AppendLine(culture, $"measured:    {result.Elapsed.TotalSeconds:0.00} s after {settings.Warmup.TotalSeconds:0.##} s warm-up");
        text.AppendLine(culture, $"messages:    {result.Messages} ({result.MessagesPerSecond:0.0}/s), every byte verified");
        text.AppendLine(culture, $"throughput:  {result.MebibytesPerSecond:0.000} MiB/s each way");
        foreach (var (name, percentile) in s_percentiles)
        {
            text.AppendLine(culture, $"latency {name,-5} {result.LatencyMicroseconds(percentile):0.0} µs");
        }

        text.AppendLine(culture, $"latency max   {result.MaxLatencyMicroseconds:0.0} µs");
        return text.ToString();
    }

    public static string Json(BenchResult result)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("mode", "pingpong");
            json.WriteNumber("connections", result.Settings.Connections);
            json.WriteNumber("messageSize", result.Settings.MessageSize);
            json.WriteNumber("warmupSeconds", result.Settings.Warmup.TotalSeconds);
            json.WriteNumber("measuredSeconds", result.Elapsed.TotalSeconds);
            json.WriteNumber("messages", result.Messages);
            json.WriteNumber("verifiedBytes", result.VerifiedBytes);
            json.WriteNumber("messagesPerSecond", result.MessagesPerSecond);
            json.WriteNumber("mebibytesPerSecond", result.MebibytesPerSecond);
            json.WriteStartObject("latencyMicroseconds");
            foreach (var (name, percentile) in s_percentiles)
            {
                json.WriteNumber(name, result.LatencyMicroseconds(percentile));
            }

            json.WriteNumber("max", result.MaxLatencyMicroseconds);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
