namespace KestrelEcho.History;

/// <summary>The stored connections that closed in [<see cref="Since"/>, <see cref="Until"/>), counted per time bucket.</summary>
internal sealed record HistorySummary(DateTimeOffset Since, DateTimeOffset Until, int BucketSeconds, IReadOnlyList<HistoryBucket> Buckets);
