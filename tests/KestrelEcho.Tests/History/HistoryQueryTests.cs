using System.Diagnostics;
using System.Net;
using System.Text.Json;
using KestrelEcho.Connections;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelEcho.Tests.History;

/// <summary>
/// Ten thousand closes told to the running app through the registry's hook (as every transport's closes are), stored
/// in its real file and found again through <c>/connections/history</c> by time, address, reason, transport and
/// refusal, page after page, and summarized per bucket.
/// </summary>
public sealed class HistoryQueryTests : FreshAppTest
{
    private const int Closes = 10_000;

    private static readonly string[] s_reasons = ["client_closed", "client_reset", "idle_timeout", "connection_limit"];
    private static readonly CloseReason[] s_reasonValues = [CloseReason.ClientClosed, CloseReason.ClientReset, CloseReason.IdleTimeout, CloseReason.ConnectionLimit];

    [Fact]
    public async Task TenThousandCloses_AreStored_AndFoundByTimeAddressReasonAndTransport()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var app = await StartAppAsync();

        // Whole thousands of seconds, so the summary's buckets (aligned to multiples of their length) are predictable.
        var start = DateTimeOffset.FromUnixTimeSeconds((DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 1000 - 20) * 1000);
        var observer = app.Services.GetRequiredService<IConnectionCloseObserver>();
        for (var i = 0; i < Closes; i++)
        {
            observer.OnClosed(Closed(i, start));
        }

        await HistoryRows.WaitForRowsAsync(app.HistoryPath, Closes, cancellationToken);
        using var http = app.CreateClient();

        var all = await HistoryRows.AllPagesAsync(http, "limit=999", cancellationToken);
        Assert.Equal(Closes, all.Count);
        Assert.Equal(Closes, all.Select(static row => row.GetProperty("id").GetString()).Distinct().Count());
        var closedAt = all.Select(static row => row.GetProperty("closedAt").GetDateTimeOffset()).ToList();
        Assert.Equal(closedAt.OrderDescending(), closedAt);
        Assert.Equal(start.AddSeconds(Closes - 1 + 2), closedAt[0]);

        // Closed at start + i + 2 s: i from 1000 to 1999.
        var since = Uri.EscapeDataString(start.AddSeconds(1002).ToString("O"));
        var until = Uri.EscapeDataString(start.AddSeconds(2002).ToString("O"));
        Assert.Equal(1000, await HistoryRows.CountListedAsync(http, $"since={since}&until={until}", cancellationToken));
        Assert.Equal(256, await HistoryRows.CountListedAsync(http, "ip=10.1.3.0/24", cancellationToken));
        Assert.Equal(Closes, await HistoryRows.CountListedAsync(http, "ip=10.0.0.0/8", cancellationToken));
        Assert.Equal(0, await HistoryRows.CountListedAsync(http, "ip=2001:db8::/32", cancellationToken));
        Assert.Equal(Closes / 4, await HistoryRows.CountListedAsync(http, "reason=idle_timeout", cancellationToken));
        Assert.Equal(Closes / 4, await HistoryRows.CountListedAsync(http, "refused=true", cancellationToken));
        Assert.Equal(Closes / 5, await HistoryRows.CountListedAsync(http, "transport=tls", cancellationToken));
        Assert.Equal(64, await HistoryRows.CountListedAsync(http, "reason=idle_timeout&ip=10.1.0.0/24", cancellationToken));

        var one = Assert.Single((await http.GetJsonAsync("/connections/history?ip=10.1.3.4", cancellationToken)).GetProperty("connections").EnumerateArray());
        AssertRow(one, (3 * 256) + 4, start);
    }

    [Fact]
    public async Task Summary_CountsEachBucket_ByReason_WithTheBytes()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var app = await StartAppAsync();
        var start = DateTimeOffset.FromUnixTimeSeconds((DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 1000 - 20) * 1000);
        var observer = app.Services.GetRequiredService<IConnectionCloseObserver>();
        for (var i = 0; i < Closes; i++)
        {
            observer.OnClosed(Closed(i, start));
        }

        await HistoryRows.WaitForRowsAsync(app.HistoryPath, Closes, cancellationToken);
        using var http = app.CreateClient();

        var since = Uri.EscapeDataString(start.ToString("O"));
        var until = Uri.EscapeDataString(start.AddSeconds(11_000).ToString("O"));
        var summary = await http.GetJsonAsync($"/connections/history/summary?since={since}&until={until}&bucket=1000", cancellationToken);

        Assert.Equal(1000, summary.GetProperty("bucketSeconds").GetInt32());
        Assert.Equal(start, summary.GetProperty("since").GetDateTimeOffset());
        var buckets = summary.GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal(11, buckets.Count);
        Assert.Equal(start.AddSeconds(1000), buckets[1].GetProperty("start").GetDateTimeOffset());

        // Closed at start + i + 2 s: the first bucket misses the last two of its thousand, the eleventh has them.
        Assert.Equal([998, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 2], buckets.Select(static bucket => bucket.GetProperty("connections").GetInt64()));
        Assert.Equal(Closes / 4, buckets.Sum(static bucket => bucket.GetProperty("refused").GetInt64()));
        Assert.Equal(Enumerable.Range(0, Closes).Sum(static i => (long)i), buckets.Sum(static bucket => bucket.GetProperty("bytesReceived").GetInt64()));
        Assert.Equal(Enumerable.Range(0, Closes).Sum(static i => 2L * i), buckets.Sum(static bucket => bucket.GetProperty("bytesSent").GetInt64()));
        foreach (var reason in s_reasons)
        {
            Assert.Equal(Closes / 4, buckets.Sum(bucket => bucket.GetProperty("reasons").TryGetProperty(reason, out var count) ? count.GetInt64() : 0));
        }

        Assert.Equal(250, buckets[1].GetProperty("reasons").GetProperty("idle_timeout").GetInt64());
    }

    /// <summary>
    /// Close number <paramref name="i"/>: from 10.1.(i / 256).(i % 256), connected at start + i s for 2 s, every fourth
    /// reason in turn (connection_limit refused before the echo), every fifth over TLS, i bytes in and 2i out.
    /// </summary>
    private static EchoSession Closed(int i, DateTimeOffset start)
    {
        var connection = new DefaultConnectionContext($"H{i:D5}");
        var session = new EchoSession(
            connection.ConnectionId,
            i % 5 == 0 ? ConnectionListener.EchoTls : ConnectionListener.Echo,
            new IPEndPoint(IPAddress.Parse($"10.1.{i / 256}.{i % 256}"), 30000 + i),
            new IPEndPoint(IPAddress.Loopback, 9999),
            new KestrelSessionConnection(connection),
            start.AddSeconds(i),
            1);
        var reason = s_reasonValues[i % 4];
        if (reason != CloseReason.ConnectionLimit)
        {
            session.EnterStage(ConnectionStage.Echo, 1);
        }

        session.OnReceived(i, TimeProvider.System);
        session.OnSent(2L * i);
        session.OnClosed(reason, 1 + (2 * Stopwatch.Frequency));
        return session;
    }

    private static void AssertRow(JsonElement row, int i, DateTimeOffset start)
    {
        Assert.Equal($"H{i:D5}", row.GetProperty("id").GetString());
        Assert.Equal("echo", row.GetProperty("stage").GetString());
        Assert.Equal("tcp", row.GetProperty("transport").GetString());
        Assert.Equal($"10.1.{i / 256}.{i % 256}", row.GetProperty("remoteAddress").GetString());
        Assert.Equal(30000 + i, row.GetProperty("remotePort").GetInt32());
        Assert.Equal("127.0.0.1:9999", row.GetProperty("localEndPoint").GetString());
        Assert.False(row.TryGetProperty("proxy", out _));
        Assert.Equal(start.AddSeconds(i), row.GetProperty("connectedAt").GetDateTimeOffset());
        Assert.Equal(start.AddSeconds(i + 2), row.GetProperty("closedAt").GetDateTimeOffset());
        Assert.Equal(2.0, row.GetProperty("durationSeconds").GetDouble(), 6);
        Assert.Equal(i, row.GetProperty("bytesReceived").GetInt64());
        Assert.Equal(2L * i, row.GetProperty("bytesSent").GetInt64());
        Assert.Equal(s_reasons[i % 4], row.GetProperty("closeReason").GetString());
        Assert.False(row.GetProperty("refused").GetBoolean());
    }
}
