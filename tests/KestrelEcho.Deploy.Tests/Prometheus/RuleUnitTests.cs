
namespace KestrelEcho.Deploy.Tests.Prometheus;

/// <summary>What a promtool rule unit test file checks: for each alert, at which evaluations it must fire and must not.</summary>
public static class RuleUnitTests
{
    /// <summary>For each alert name: how many evaluations expect it firing, and how many expect it quiet.</summary>
    public static IReadOnlyDictionary<string, (int Firing, int Quiet)> Expectations(IEnumerable<string> testFiles)
    {
        var expectations = new Dictionary<string, (int Firing, int Quiet)>(StringComparer.Ordinal);
        foreach (var file in testFiles)
        {
            foreach (var test in Yaml.LoadMapping(file).SeqOrEmpty("tests"))
            {
                foreach (var evaluation in test.SeqOrEmpty("alert_rule_test"))
                {
                    var name = evaluation.Scalar("alertname");
                    var (firing, quiet) = expectations.GetValueOrDefault(name);
                    expectations[name] = evaluation.SeqOrEmpty("exp_alerts").Count > 0 ? (firing + 1, quiet) : (firing, quiet + 1);
                }
            }
        }

        return expectations;
    }
}
