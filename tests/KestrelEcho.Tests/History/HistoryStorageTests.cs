using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.History;

/// <summary>Real connections through the real app into its real history file: what is stored, how it is read, and that it lasts.</summary>
[Collection(ExactMetricsGroup.Name)]
public sealed class HistoryStorageTests : FreshAppTest
{
    [Fact]
    public async Task EchoedAndRefusedConnections_AreStored_AsRecentShowsThem()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:MaxConnectionsPerIp", "1"));
        using var http = app.CreateClient();
        var source = IPAddress.Parse("127.0.0.2");
        var echoed = await app.ConnectAndEchoAsync(timeout.Token, source);
        var refused = await app.ConnectEchoAsync(timeout.Token, source);
        await app.AssertClosedWithoutEchoAsync(refused, "per_ip_limit", timeout.Token);
        var echoedId = await http.LiveConnectionIdAsync(echoed, timeout.Token);
        echoed.Dispose();
        refused.Dispose();
        await HistoryRows.WaitForRowsAsync(app.HistoryPath, 2, timeout.Token);

        var stored = await HistoryRows.AllPagesAsync(http, "ip=127.0.0.2", timeout.Token);
        var recent = (await http.GetJsonAsync("/connections/recent", timeout.Token)).GetProperty("connections").EnumerateArray()
            .Concat((await http.GetJsonAsync("/connections/recent?kind=refused", timeout.Token)).GetProperty("connections").EnumerateArray())
            .ToDictionary(static row => row.GetProperty("id").GetString()!);
        Assert.Equal(2, stored.Count);
        foreach (var row in stored)
        {
            var id = row.GetProperty("id").GetString()!;
            AssertSameConnection(recent[id], row);
            Assert.Equal(id != echoedId, row.GetProperty("refused").GetBoolean());
        }

        var refusedRow = Assert.Single(stored, static row => row.GetProperty("refused").GetBoolean());
        Assert.Equal("per_ip_limit", refusedRow.GetProperty("closeReason").GetString());
        Assert.Equal("accepted", refusedRow.GetProperty("stage").GetString());
    }

    [Theory]
    [InlineData("format=csv", null)]
    [InlineData("", "text/csv")]
    public async Task Csv_HasTheJsonFieldsAsColumns_InOrder_WithAHeader(string query, string? accept)
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync();
        using var http = app.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            (await app.ConnectAndEchoAsync(timeout.Token)).Dispose();
        }

        await HistoryRows.WaitForRowsAsync(app.HistoryPath, 3, timeout.Token);
        var json = (await http.GetJsonAsync("/connections/history", timeout.Token)).GetProperty("connections").EnumerateArray().ToList();

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/connections/history?{query}");
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        using var response = await http.SendAsync(request, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync(timeout.Token)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        var columns = lines[0].Split(',');
        Assert.Equal(json[0].EnumerateObject().Select(static field => field.Name), columns.Where(static column => column != "proxy"));
        Assert.Equal(json.Count + 1, lines.Length);
        for (var row = 0; row < json.Count; row++)
        {
            var fields = lines[row + 1].Split(',');
            Assert.Equal(columns.Length, fields.Length);
            foreach (var (column, field) in columns.Zip(fields))
            {
                AssertSameValue(column, json[row].TryGetProperty(column, out var value) ? value : default, field);
            }
        }
    }

    [Fact]
    public async Task ServiceRestart_AfterSigterm_KeepsTheHistory_ClosesOfTheDrainIncluded()
    {
        using var timeout = TestTimeout.Start(60);
        var folder = Directory.CreateTempSubdirectory("kestrel-echo-history-restart-");
        try
        {
            var path = Path.Combine(folder.FullName, "history.db");
            await using (var first = ServiceProcess.Start("--History:Path", path))
            {
                for (var i = 0; i < 3; i++)
                {
                    using var client = await first.ConnectEchoAsync(timeout.Token);
                    await client.AssertHolaMundoEchoedAsync(timeout.Token);
                }

                using var open = await first.ConnectEchoAsync(timeout.Token);
                await open.AssertHolaMundoEchoedAsync(timeout.Token);
                await first.SendSignalAsync("TERM");
                Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            }

            await using var second = ServiceProcess.Start("--History:Path", path);
            using var http = await second.CreateHttpClientAsync();
            var stored = await HistoryRows.AllPagesAsync(http, "limit=100", timeout.Token);
            Assert.Equal(["client_closed", "client_closed", "client_closed", "server_shutdown"], stored.Select(static row => row.GetProperty("closeReason").GetString()).Order(StringComparer.Ordinal));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Metrics_CountEveryRecordWritten()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync();
        using var http = app.CreateClient();
        for (var i = 0; i < 4; i++)
        {
            (await app.ConnectAndEchoAsync(timeout.Token)).Dispose();
        }

        await HistoryRows.WaitForRowsAsync(app.HistoryPath, 4, timeout.Token);

        // Counted just after the batch's commit, so polled.
        var metrics = "";
        await Poll.UntilAsync(
            async () => (metrics = await http.GetStringAsync("/metrics", timeout.Token)).Contains("kestrel_echo_history_records_written_total{otel_scope_name=\"KestrelEcho\"} 4", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            () => $"4 records counted written; /metrics:\n{metrics}");
        Assert.Contains("kestrel_echo_history_records_dropped_total{otel_scope_name=\"KestrelEcho\"} 0", metrics, StringComparison.Ordinal);
        Assert.Contains("kestrel_echo_history_records_failed_total{otel_scope_name=\"KestrelEcho\"} 0", metrics, StringComparison.Ordinal);
    }

    private static void AssertSameConnection(JsonElement recent, JsonElement stored)
    {
        // The history has no listener column yet (docs/history.md says so); every other field must match.
        foreach (var field in recent.EnumerateObject().Where(static field => field.Name != "listener"))
        {
            var value = stored.GetProperty(field.Name);
            switch (field.Name)
            {
                // Stored to the millisecond.
                case "connectedAt" or "closedAt":
                    Assert.Equal(field.Value.GetDateTimeOffset().ToUnixTimeMilliseconds(), value.GetDateTimeOffset().ToUnixTimeMilliseconds());
                    break;
                case "durationSeconds":
                    Assert.Equal(field.Value.GetDouble(), value.GetDouble(), 9);
                    break;
                default:
                    Assert.Equal(field.Value.ToString(), value.ToString());
                    break;
            }
        }

        // Plus refused, less listener.
        Assert.Equal(recent.EnumerateObject().Count(), stored.EnumerateObject().Count());
    }

    private static void AssertSameValue(string column, JsonElement json, string field)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                Assert.Equal("", field);
                break;
            case JsonValueKind.Number when column == "durationSeconds":
                Assert.Equal(json.GetDouble(), double.Parse(field, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case JsonValueKind.String when column is "connectedAt" or "closedAt":
                Assert.Equal(json.GetDateTimeOffset(), DateTimeOffset.Parse(field, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case JsonValueKind.True or JsonValueKind.False:
                Assert.Equal(json.GetBoolean() ? "true" : "false", field);
                break;
            default:
                Assert.Equal(json.ToString(), field);
                break;
        }
    }
}
