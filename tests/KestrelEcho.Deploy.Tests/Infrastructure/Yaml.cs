using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace KestrelEcho.Deploy.Tests.Infrastructure;

/// <summary>
/// Reading and writing the YAML of deploy/ (Kubernetes manifests, Prometheus files) over YamlDotNet's
/// representation model. A required key that is missing fails the test and shows the node it was looked for in.
/// </summary>
public static class Yaml
{
    public static YamlMappingNode LoadMapping(string path)
    {
        using var reader = File.OpenText(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return Assert.IsType<YamlMappingNode>(stream.Documents[0].RootNode, exactMatch: true);
    }

    /// <summary>Every document of a multi-document text (what <c>kubectl kustomize</c> prints), each an object.</summary>
    public static IReadOnlyList<YamlMappingNode> LoadDocuments(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return [.. stream.Documents.Select(static d => Assert.IsType<YamlMappingNode>(d.RootNode, exactMatch: true))];
    }

    public static string Save(YamlMappingNode root)
    {
        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    public static YamlMappingNode Map(this YamlNode node, string key) => Assert.IsType<YamlMappingNode>(node.Child(key), exactMatch: true);

    public static YamlSequenceNode Seq(this YamlNode node, string key) => Assert.IsType<YamlSequenceNode>(node.Child(key), exactMatch: true);

    public static string Scalar(this YamlNode node, string key) =>
        Assert.IsType<YamlScalarNode>(node.Child(key), exactMatch: true).Value ?? "";

    public static int Number(this YamlNode node, string key) => int.Parse(node.Scalar(key), CultureInfo.InvariantCulture);

    public static bool Bool(this YamlNode node, string key) => bool.Parse(node.Scalar(key));

    public static string? ScalarOrNull(this YamlNode node, string key) =>
        Mapping(node).Children.TryGetValue(new YamlScalarNode(key), out var child) ? ((YamlScalarNode)child).Value : null;

    /// <summary>The items under <paramref name="key"/>; none when the key is missing or holds <c>[]</c>.</summary>
    public static IReadOnlyList<YamlMappingNode> SeqOrEmpty(this YamlNode node, string key) =>
        Mapping(node).Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlSequenceNode sequence
            ? [.. sequence.Children.Select(static item => Assert.IsType<YamlMappingNode>(item, exactMatch: true))]
            : [];

    /// <summary>A map of strings (labels, annotations); empty when the key is missing.</summary>
    public static IReadOnlyDictionary<string, string> StringMap(this YamlNode node, string key) =>
        Mapping(node).Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlMappingNode map
            ? map.Children.ToDictionary(static pair => ((YamlScalarNode)pair.Key).Value!, static pair => ((YamlScalarNode)pair.Value).Value!, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The element of a list of objects (containers, ports, env) with this <c>name</c>.</summary>
    public static YamlMappingNode Named(this YamlSequenceNode sequence, string name) =>
        Assert.Single(sequence.Children.OfType<YamlMappingNode>(), item => item.ScalarOrNull("name") == name);

    private static YamlMappingNode Mapping(YamlNode node) => Assert.IsType<YamlMappingNode>(node, exactMatch: true);

    private static YamlNode Child(this YamlNode node, string key)
    {
        var mapping = Mapping(node);
        Assert.True(mapping.Children.TryGetValue(new YamlScalarNode(key), out var child), $"no '{key}' in:\n{mapping}");
        return child;
    }
}
