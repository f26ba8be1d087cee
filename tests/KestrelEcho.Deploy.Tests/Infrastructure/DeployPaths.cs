
namespace KestrelEcho.Deploy.Tests.Infrastructure;

/// <summary>The shipped Prometheus, Grafana and HAProxy artefacts under deploy/.</summary>
public static class DeployPaths
{
    public const string PrometheusConfig = "deploy/prometheus/prometheus.yml";
    public const string AlertRules = "deploy/prometheus/rules/kestrel-echo.rules.yml";
    public const string RuleTestsDirectory = "deploy/prometheus/tests";
    public const string Dashboard = "deploy/grafana/kestrel-echo.json";
    public const string HaproxyConfig = "deploy/haproxy/haproxy.cfg";

    /// <summary>The job name the rules select and prometheus.yml scrapes under.</summary>
    public const string Job = "kestrel-echo";

    public static IReadOnlyList<string> RuleTestFiles =>
        [.. Directory.EnumerateFiles(RepositoryFiles.PathOf(RuleTestsDirectory), "*.yml").Order(StringComparer.Ordinal)];
}
