using YamlDotNet.RepresentationModel;

namespace KestrelEcho.Tests.Deploy;

/// <summary>One alerting rule of a Prometheus rule file.</summary>
public sealed record AlertRule(string Name, string Expression, string? For, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations)
{
    /// <summary>Every alerting rule of every group in the rule file at <paramref name="path"/>.</summary>
    public static IReadOnlyList<AlertRule> LoadAll(string path)
    {
        var root = Yaml.LoadMapping(path);
        return
        [
            .. Yaml.Sequence(root, "groups")
                .SelectMany(static group => Yaml.Sequence((YamlMappingNode)group, "rules"))
                .Cast<YamlMappingNode>()
                .Where(static rule => rule.Children.ContainsKey("alert"))
                .Select(static rule => new AlertRule(
                    Yaml.Scalar(rule, "alert")!,
                    Yaml.Scalar(rule, "expr")!,
                    Yaml.Scalar(rule, "for"),
                    Yaml.StringMap(rule, "labels"),
                    Yaml.StringMap(rule, "annotations"))),
        ];
    }
}
