using System.Net;
using System.Text.Json;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.History;

/// <summary>
/// A history database that cannot be used: /health says Degraded with one log line, readiness stays 200, the echo
/// works, and the queries answer 503. Tests run as root, which ignores permissions: the unwritable path's parent is a
/// file, which no user can create a folder in.
/// </summary>
[Collection(ExactMetricsGroup.Name)]
public sealed class HistoryFailureTests : FreshAppTest
{
    [Fact]
    public async Task PathUnderAFile_MakesHealthDegraded_WithOneLogLine_AndTheEchoWorks()
    {
        var notAFolder = Path.Combine(Path.GetTempPath(), $"kestrel-echo-history-file-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(notAFolder, "a file, not a folder", TestContext.Current.CancellationToken);
        try
        {
            var path = Path.Combine(notAFolder, "history.db");
            var app = await StartAppAsync(Unusable(path));

            await AssertDegradedButEchoingAsync(app, path);
            Assert.False(File.Exists(path));
        }
        finally
        {
            File.Delete(notAFolder);
        }
    }

    [Fact]
    public async Task CorruptFile_MakesHealthDegraded_WithOneLogLine_AndIsLeftAsItWas()
    {
        var app = await StartAppAsync(app =>
        {
            var garbage = new byte[8192];
            new Random(12).NextBytes(garbage);
            File.WriteAllBytes(app.HistoryPath, garbage);
            Unusable(app.HistoryPath)(app);
        });
        var before = await File.ReadAllBytesAsync(app.HistoryPath, TestContext.Current.CancellationToken);

        await AssertDegradedButEchoingAsync(app, app.HistoryPath);

        Assert.Equal(before, await File.ReadAllBytesAsync(app.HistoryPath, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Disabled_RecordsNothing_AndTheQueriesAnswer404()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("History:Enabled", "false"));
        using var http = app.CreateClient();

        (await app.ConnectAndEchoAsync(timeout.Token)).Dispose();
        await Poll.UntilAsync(() => app.Registry.Closed == 1, TimeSpan.FromSeconds(10), "the close");

        foreach (var path in (string[])["/connections/history", "/connections/history/summary"])
        {
            using var response = await http.GetAsync(path, timeout.Token);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("History:Enabled", await response.Content.ReadAsStringAsync(timeout.Token), StringComparison.Ordinal);
        }

        Assert.False(File.Exists(app.HistoryPath));
        var history = HistoryCheck(await http.GetJsonAsync("/health", timeout.Token));
        Assert.Equal("Healthy", history.GetProperty("status").GetString());
    }

    /// <summary>Starts the app on <paramref name="path"/>, expecting the one error line and the Degraded probes it causes.</summary>
    private static Action<EchoAppFactory> Unusable(string path) => app => app
        .WithSetting("History:Path", path)
        .ExpectLog("HistoryUnusable")
        .ExpectLog("HealthCheckEnd");

    private static async Task AssertDegradedButEchoingAsync(EchoAppFactory app, string path)
    {
        using var timeout = TestTimeout.Start();
        using var http = app.CreateClient();

        // Many closes, each a batch the writer cannot write: still one line.
        for (var i = 0; i < 20; i++)
        {
            (await app.ConnectAndEchoAsync(timeout.Token)).Dispose();
            await Poll.UntilAsync(() => app.Registry.Closed == i + 1, TimeSpan.FromSeconds(10), "the close");
        }

        JsonElement health = default;
        await Poll.UntilAsync(
            async () => (health = await http.GetJsonAsync("/health", timeout.Token)).GetProperty("status").GetString() == "Degraded",
            TimeSpan.FromSeconds(10),
            () => $"/health to say Degraded; it says {health}");
        var history = HistoryCheck(health);
        Assert.Equal("Degraded", history.GetProperty("status").GetString());
        Assert.Contains(path, history.GetProperty("description").GetString(), StringComparison.Ordinal);

        var ready = await http.GetJsonAsync("/health/ready", timeout.Token);
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        await http.GetJsonAsync("/health/live", timeout.Token);

        var line = Assert.Single(app.Logs.WithEvent("HistoryUnusable"));
        Assert.Contains(path, line.Message, StringComparison.Ordinal);
        Assert.Null(line.Exception);

        using var response = await http.GetAsync("/connections/history", timeout.Token);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        await Poll.UntilAsync(
            async () => (await http.GetStringAsync("/metrics", timeout.Token)).Contains("kestrel_echo_history_records_failed_total{otel_scope_name=\"KestrelEcho\"} 20", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            "the 20 lost records counted as failed");
    }

    private static JsonElement HistoryCheck(JsonElement health) =>
        health.GetProperty("checks").EnumerateArray().Single(static check => check.GetProperty("name").GetString() == "history");
}
