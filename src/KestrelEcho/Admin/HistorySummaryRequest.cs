using KestrelEcho.History;
using Microsoft.Extensions.Primitives;

namespace KestrelEcho.Admin;

/// <summary><c>GET /connections/history/summary</c>'s query: the time span and the bucket length, in seconds.</summary>
internal sealed record HistorySummaryRequest(DateTimeOffset Since, DateTimeOffset Until, TimeSpan Bucket)
{
    public static readonly TimeSpan DefaultSpan = TimeSpan.FromHours(24);

    public const int DefaultBucketSeconds = 3600;

    /// <summary>Enough for a minute's resolution over a week.</summary>
    public const int MaxBuckets = 10_080;

    private const string Parameters = "since, until, bucket";

    public static bool TryParse(
        IEnumerable<KeyValuePair<string, StringValues>> query,
        DateTimeOffset now,
        out HistorySummaryRequest parsed,
        out Dictionary<string, string[]> errors)
    {
        var reader = new QueryReader(query);
        var until = HistoryRequest.ReadTime(reader, "until") ?? now;
        var since = HistoryRequest.ReadTime(reader, "since") ?? until - DefaultSpan;
        var bucketSeconds = reader.Count("bucket") ?? DefaultBucketSeconds;
        reader.ReportUnknown(Parameters);
        if (bucketSeconds < 1 && !reader.Errors.ContainsKey("bucket"))
        {
            reader.Error("bucket", $"'bucket' must be a number of seconds, 1 or more; got {bucketSeconds}.");
        }
        else if (since >= until && reader.Errors.Count == 0)
        {
            reader.Error("since", $"'since' ({since:O}) must be before 'until' ({until:O}).");
        }
        else if (reader.Errors.Count == 0 && (until - since).TotalSeconds / bucketSeconds > MaxBuckets)
        {
            reader.Error("bucket", $"'bucket' of {bucketSeconds} s makes more than {MaxBuckets} buckets from {since:O} to {until:O}; give a longer bucket or a shorter span.");
        }

        parsed = new HistorySummaryRequest(since, until, TimeSpan.FromSeconds(Math.Max(bucketSeconds, 1)));
        errors = reader.Errors;
        return errors.Count == 0;
    }
}
