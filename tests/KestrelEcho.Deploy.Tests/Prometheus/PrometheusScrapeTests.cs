using System.Text.Json;
using KestrelEcho.Deploy.Tests.Grafana;

namespace KestrelEcho.Deploy.Tests.Prometheus;

/// <summary>The shipped scrape job, alert rules and Grafana dashboard against a real Prometheus scraping the real service.</summary>
[Requires("prometheus")]
public sealed class PrometheusScrapeTests(ScrapedServiceFixture scraped) : IClassFixture<ScrapedServiceFixture>
{
    // Present only once its first event has happened, which the test's traffic may not cause.
    private static readonly string[] s_metricsThatMayBeAbsent = ["dotnet_exceptions_total"];

    [Fact]
    public async Task Prometheus_ScrapesTheService_AndHoldsExactlyTheBytesSent()
    {
        Assert.Equal(1, await scraped.ValueAsync($"up{{job=\"{DeployPaths.Job}\", instance=\"{scraped.Instance}\"}}"));

        double? received = null, sent = null;
        await Poll.UntilAsync(
            async () =>
            {
                // The test's clients are TCP; the other transports' series are there too, at 0.
                received = await scraped.ValueAsync($"kestrel_echo_received_bytes_total{{job=\"{DeployPaths.Job}\", kestrel_echo_transport=\"tcp\"}}");
                sent = await scraped.ValueAsync($"kestrel_echo_sent_bytes_total{{job=\"{DeployPaths.Job}\", kestrel_echo_transport=\"tcp\"}}");
                return received >= scraped.BytesSent && sent >= scraped.BytesSent;
            },
            TimeSpan.FromSeconds(30),
            () => $"Prometheus to scrape {scraped.BytesSent} bytes each way (has received {received}, sent {sent})");

        Assert.Equal(scraped.BytesSent, received);
        Assert.Equal(scraped.BytesSent, sent);
        Assert.Equal(2, await scraped.ValueAsync($"kestrel_echo_connections_active{{job=\"{DeployPaths.Job}\"}}"));
        Assert.Equal(2, await scraped.ValueAsync($"kestrel_echo_connections_limit{{job=\"{DeployPaths.Job}\"}}"));
    }

    [Fact]
    public async Task EveryDashboardQuery_EvaluatesWithData()
    {
        var dashboard = GrafanaDashboard.Load(RepositoryFiles.PathOf(DeployPaths.Dashboard));
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["job"] = DeployPaths.Job,
            ["instance"] = scraped.Instance,

            // Grafana's $__rate_interval is at least four scrape intervals; a minute spans the whole test.
            ["__rate_interval"] = "1m",
        };

        foreach (var (name, selector, label) in dashboard.LabelValuesVariables)
        {
            var series = await scraped.Prometheus.SeriesAsync(GrafanaDashboard.Substitute(selector, variables));
            Assert.Contains(variables[name], series.Select(labels => labels.GetProperty(label).GetString()));
        }

        var queries = dashboard.Queries;
        Assert.True(queries.Count >= 20, $"only {queries.Count} dashboard queries found");
        foreach (var query in queries)
        {
            var expression = GrafanaDashboard.Substitute(query.Expression, variables);
            await AssertMetricsExistAsync(expression, query.ToString());
            if (PromQl.MetricNames(expression).Overlaps(s_metricsThatMayBeAbsent))
            {
                await scraped.Prometheus.QueryVectorAsync(expression);
                continue;
            }

            await Poll.UntilAsync(
                async () => (await scraped.Prometheus.QueryVectorAsync(expression)).Count > 0,
                TimeSpan.FromSeconds(30),
                $"{query} `{expression}` to return data");
        }
    }

    [Fact]
    public async Task EveryAlertRule_IsLoadedAndHealthy_AndTheLimitAlertsGoPending()
    {
        var shipped = AlertRule.LoadAll(RepositoryFiles.PathOf(DeployPaths.AlertRules));
        IReadOnlyList<JsonElement> loaded = [];
        await Poll.UntilAsync(
            async () =>
            {
                loaded = await scraped.Prometheus.RulesAsync();
                return loaded.Count == shipped.Count && loaded.All(static rule => rule.GetProperty("health").GetString() == "ok");
            },
            TimeSpan.FromSeconds(30),
            () => $"Prometheus to load and evaluate the {shipped.Count} rules cleanly: {string.Join("; ", loaded.Select(static rule => $"{rule.GetProperty("name")} {rule.GetProperty("health")} {rule.GetProperty("lastError")}"))}");

        Assert.Equal(shipped.Select(static rule => rule.Name).Order(), loaded.Select(static rule => rule.GetProperty("name").GetString()!).Order());
        foreach (var rule in shipped)
        {
            await AssertMetricsExistAsync(rule.Expression, $"alert {rule.Name}");
            await scraped.Prometheus.QueryVectorAsync(rule.Expression);
        }

        // Two clients held at Echo:MaxConnections=2 and one refused: these two are on their way to firing.
        await Poll.UntilAsync(
            async () => (await scraped.Prometheus.QueryVectorAsync("ALERTS{alertname=\"KestrelEchoNearConnectionLimit\", alertstate=\"pending\"}")).Count == 1
                && (await scraped.Prometheus.QueryVectorAsync("ALERTS{alertname=\"KestrelEchoConnectionsRefused\", alertstate=\"pending\", kestrel_echo_close_reason=\"connection_limit\"}")).Count == 1,
            TimeSpan.FromSeconds(30),
            "the near-limit and refusal alerts to go pending");
        foreach (var quiet in (string[])["KestrelEchoInstanceDown", "KestrelEchoDrainTooLong", "KestrelEchoErrorCloses", "KestrelEchoHighClientResetRatio", "KestrelEchoProxyHeaderFailures"])
        {
            Assert.Empty(await scraped.Prometheus.QueryVectorAsync($"ALERTS{{alertname=\"{quiet}\"}}"));
        }
    }

    /// <summary>A misspelt metric name evaluates cleanly to nothing forever: every name used must have series.</summary>
    private async Task AssertMetricsExistAsync(string expression, string where)
    {
        var names = PromQl.MetricNames(expression);
        Assert.NotEmpty(names);
        foreach (var name in names.Except(s_metricsThatMayBeAbsent))
        {
            await Poll.UntilAsync(
                async () => (await scraped.Prometheus.SeriesAsync($"{name}{{job=\"{DeployPaths.Job}\"}}")).Count > 0,
                TimeSpan.FromSeconds(30),
                $"{where}: Prometheus to hold series of {name}");
        }
    }
}
