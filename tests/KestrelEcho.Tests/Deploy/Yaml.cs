using YamlDotNet.RepresentationModel;

namespace KestrelEcho.Tests.Deploy;

/// <summary>Small readers over YamlDotNet's representation model, for Prometheus' YAML files.</summary>
public static class Yaml
{
    public static YamlMappingNode LoadMapping(string path)
    {
        using var reader = File.OpenText(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static string Save(YamlMappingNode root)
    {
        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    public static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) ? ((YamlScalarNode)value).Value : null;

    /// <summary>The sequence under <paramref name="key"/>; empty when the key is missing or holds <c>[]</c>.</summary>
    public static IReadOnlyList<YamlNode> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) && value is YamlSequenceNode sequence ? [.. sequence.Children] : [];

    public static IReadOnlyDictionary<string, string> StringMap(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) && value is YamlMappingNode map
            ? map.Children.ToDictionary(static pair => ((YamlScalarNode)pair.Key).Value!, static pair => ((YamlScalarNode)pair.Value).Value!, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
}
