using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace KestrelEcho.Deploy.Tests.Kubernetes;

/// <summary>What <c>kubectl kustomize</c> renders from a kustomization under deploy/kubernetes, parsed.</summary>
public sealed partial class KubernetesManifests
{
    private readonly IReadOnlyList<YamlMappingNode> _objects;

    private KubernetesManifests(string rendered) => _objects = Yaml.LoadDocuments(rendered);

    public IEnumerable<string> Kinds => _objects.Select(static o => o.Scalar("kind"));

    /// <summary>Renders <paramref name="kustomization"/> with <paramref name="kubectl"/> (the current one unless said).</summary>
    public static async Task<KubernetesManifests> RenderAsync(string kustomization, Kubectl? kubectl = null)
    {
        kubectl ??= Kubectl.Current;
        var rendered = await ChildProcess.RunAsync(kubectl.Path, ["kustomize", RepositoryFiles.PathOf(kustomization)]);
        Assert.True(rendered.ExitCode == 0, $"kubectl ({kubectl}) kustomize {kustomization} failed: {rendered}");
        return new KubernetesManifests(rendered.Stdout);
    }

    /// <summary>
    /// The objects as one text that depends neither on the order a kubectl version writes keys and objects in, nor
    /// on the hash suffix of generated names (kustomize versions compute it differently).
    /// </summary>
    public string Canonical()
    {
        var generated = _objects
            .Where(static o => o.Scalar("kind") is "ConfigMap" or "Secret")
            .Select(static o => o.Map("metadata").Scalar("name"))
            .Select(static name => HashSuffix().Match(name))
            .Where(static match => match.Success)
            .ToDictionary(static match => match.Value, static match => $"{match.Groups["name"].Value}-<hash>", StringComparer.Ordinal);

        string Canonicalize(YamlNode node) => node switch
        {
            YamlMappingNode map => $"{{{string.Join(",", map.Children.Select(pair => $"{Canonicalize(pair.Key)}:{Canonicalize(pair.Value)}").Order(StringComparer.Ordinal))}}}",
            YamlSequenceNode sequence => $"[{string.Join(",", sequence.Children.Select(Canonicalize))}]",
            YamlScalarNode { Value: var value } => JsonSerializer.Serialize(value is not null && generated.TryGetValue(value, out var stable) ? stable : value),
            _ => throw new InvalidOperationException($"Unexpected YAML node {node.NodeType}."),
        };

        return string.Join("\n", _objects.Select(Canonicalize).Order(StringComparer.Ordinal));
    }

    public YamlMappingNode Find(string kind, string name) =>
        Assert.Single(_objects, o => o.Scalar("kind") == kind && o.Map("metadata").Scalar("name") == name);

    /// <summary>Objects whose name kustomize suffixed with a content hash (generated ConfigMaps).</summary>
    public YamlMappingNode FindGenerated(string kind, string namePrefix) =>
        Assert.Single(_objects, o => o.Scalar("kind") == kind && o.Map("metadata").Scalar("name").StartsWith(namePrefix + "-", StringComparison.Ordinal));

    [GeneratedRegex("^(?<name>.+)-[a-z0-9]{10}$")]
    private static partial Regex HashSuffix();
}
