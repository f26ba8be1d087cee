
namespace KestrelEcho.Deploy.Tests.Prometheus;

/// <summary>The Prometheus artefacts and the live /metrics output, checked by Prometheus' own promtool.</summary>
[Requires("prometheus")]
public sealed class PromtoolTests
{
    [Fact]
    public async Task ShippedConfig_PassesCheckConfig()
    {
        var result = await DeployTools.PromtoolAsync(["check", "config", DeployPaths.PrometheusConfig]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SUCCESS: 1 rule files found", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlertRules_PassCheckRules()
    {
        var result = await DeployTools.PromtoolAsync(["check", "rules", DeployPaths.AlertRules]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"SUCCESS: {AlertRule.LoadAll(RepositoryFiles.PathOf(DeployPaths.AlertRules)).Count} rules found", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlertRuleUnitTests_Pass()
    {
        var testFiles = DeployPaths.RuleTestFiles;
        Assert.NotEmpty(testFiles);

        var result = await DeployTools.PromtoolAsync(["test", "rules", .. testFiles]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("FAILED", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryAlert_HasForSeveritySummaryDescription_AndUnitTestsFiringAndQuiet()
    {
        var rules = AlertRule.LoadAll(RepositoryFiles.PathOf(DeployPaths.AlertRules));
        var expectations = RuleUnitTests.Expectations(DeployPaths.RuleTestFiles);

        Assert.NotEmpty(rules);
        Assert.All(rules, rule =>
        {
            Assert.False(string.IsNullOrEmpty(rule.For), $"{rule.Name} has no 'for'");
            Assert.Contains(rule.Labels.GetValueOrDefault("severity"), (string[])["critical", "warning", "info"]);
            Assert.False(string.IsNullOrWhiteSpace(rule.Annotations.GetValueOrDefault("summary")), $"{rule.Name} has no summary");
            Assert.False(string.IsNullOrWhiteSpace(rule.Annotations.GetValueOrDefault("description")), $"{rule.Name} has no description");
            Assert.Contains($"job=\"{DeployPaths.Job}\"", rule.Expression, StringComparison.Ordinal);

            var (firing, quiet) = expectations.GetValueOrDefault(rule.Name);
            Assert.True(firing > 0, $"no promtool test expects {rule.Name} to fire");
            Assert.True(quiet > 0, $"no promtool test expects {rule.Name} to stay quiet");
        });
        Assert.Empty(expectations.Keys.Except(rules.Select(static rule => rule.Name)));
    }

    [Fact]
    public async Task LiveMetricsAfterTraffic_PassCheckMetrics()
    {
        using var timeout = TestTimeout.Start();
        await using var service = ServiceProcess.Start();
        using var http = await service.CreateHttpClientAsync();
        using (var client = await service.ConnectEchoAsync(timeout.Token))
        {
            await client.AssertHolaMundoEchoedAsync(timeout.Token);
        }

        // The close, its duration histogram and the request series are all on the page before it is checked.
        var metrics = "";
        await Poll.UntilAsync(
            async () =>
            {
                metrics = await http.GetStringAsync("/metrics", timeout.Token);
                return PrometheusText.Sum(metrics, "kestrel_echo_connection_duration_seconds_count") >= 1
                    && PrometheusText.Sum(metrics, "http_server_request_duration_seconds_count") >= 1;
            },
            TimeSpan.FromSeconds(10),
            "the connection's close and an HTTP request on /metrics");

        var result = await DeployTools.PromtoolAsync(["check", "metrics"], metrics);

        Assert.True(result.ExitCode == 0 && result.Stdout.Length == 0 && result.Stderr.Length == 0, result.ToString());
    }
}
