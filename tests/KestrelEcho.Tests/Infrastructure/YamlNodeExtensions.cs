using YamlDotNet.RepresentationModel;

namespace KestrelEcho.Tests.Infrastructure;

/// <summary>Short, failing-with-the-path navigation through parsed Kubernetes YAML.</summary>
public static class YamlNodeExtensions
{
    public static YamlMappingNode Map(this YamlNode node, string key) => Assert.IsType<YamlMappingNode>(node.Child(key), exactMatch: true);

    public static YamlSequenceNode Seq(this YamlNode node, string key) => Assert.IsType<YamlSequenceNode>(node.Child(key), exactMatch: true);

    public static string Scalar(this YamlNode node, string key) =>
        Assert.IsType<YamlScalarNode>(node.Child(key), exactMatch: true).Value ?? "";

    public static int Number(this YamlNode node, string key) => int.Parse(node.Scalar(key), System.Globalization.CultureInfo.InvariantCulture);

    public static bool Bool(this YamlNode node, string key) => bool.Parse(node.Scalar(key));

    public static string? ScalarOrNull(this YamlNode node, string key) =>
        ((YamlMappingNode)node).Children.TryGetValue(new YamlScalarNode(key), out var child) ? ((YamlScalarNode)child).Value : null;

    /// <summary>The element of a list of objects (containers, ports, env) with this <c>name</c>.</summary>
    public static YamlMappingNode Named(this YamlSequenceNode sequence, string name) =>
        Assert.Single(sequence.Children.OfType<YamlMappingNode>(), item => item.ScalarOrNull("name") == name);

    private static YamlNode Child(this YamlNode node, string key)
    {
        var mapping = Assert.IsType<YamlMappingNode>(node, exactMatch: true);
        Assert.True(mapping.Children.TryGetValue(new YamlScalarNode(key), out var child), $"no '{key}' in:\n{mapping}");
        return child;
    }
}
