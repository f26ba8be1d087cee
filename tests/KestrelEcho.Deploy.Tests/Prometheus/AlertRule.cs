
namespace KestrelEcho.Deploy.Tests.Prometheus;

/// <summary>One alerting rule of a Prometheus rule file.</summary>
public sealed record AlertRule(string Name, string Expression, string? For, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations)
{
    /// <summary>Every alerting rule of every group in the rule file at <paramref name="path"/>.</summary>
    public static IReadOnlyList<AlertRule> LoadAll(string path)
    {
        var root = Yaml.LoadMapping(path);
        return
        [
            .. root.SeqOrEmpty("groups")
                .SelectMany(static group => group.SeqOrEmpty("rules"))
                .Where(static rule => rule.Children.ContainsKey("alert"))
                .Select(static rule => new AlertRule(
                    rule.Scalar("alert"),
                    rule.Scalar("expr"),
                    rule.ScalarOrNull("for"),
                    rule.StringMap("labels"),
                    rule.StringMap("annotations"))),
        ];
    }
}
