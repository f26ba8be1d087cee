using YamlDotNet.RepresentationModel;

namespace KestrelEcho.Tests.Infrastructure;

/// <summary>What <c>kubectl kustomize</c> renders from a kustomization under deploy/kubernetes, parsed.</summary>
public sealed class KubernetesManifests
{
    private readonly IReadOnlyList<YamlMappingNode> _objects;

    private KubernetesManifests(IReadOnlyList<YamlMappingNode> objects) => _objects = objects;

    public IEnumerable<string> Kinds => _objects.Select(static o => o.Scalar("kind"));

    public static async Task<KubernetesManifests> RenderAsync(string kustomization)
    {
        var rendered = await ExternalCommand.RunAsync("kubernetes-client", "kubectl", "kustomize", RepositoryFiles.PathOf(kustomization));
        Assert.True(rendered.ExitCode == 0, $"kubectl kustomize {kustomization} failed: {rendered}");

        var stream = new YamlStream();
        stream.Load(new StringReader(rendered.Stdout));
        return new KubernetesManifests([.. stream.Documents.Select(static d => Assert.IsType<YamlMappingNode>(d.RootNode, exactMatch: true))]);
    }

    public YamlMappingNode Find(string kind, string name) =>
        Assert.Single(_objects, o => o.Scalar("kind") == kind && o.Map("metadata").Scalar("name") == name);

    /// <summary>Objects whose name kustomize suffixed with a content hash (generated ConfigMaps).</summary>
    public YamlMappingNode FindGenerated(string kind, string namePrefix) =>
        Assert.Single(_objects, o => o.Scalar("kind") == kind && o.Map("metadata").Scalar("name").StartsWith(namePrefix + "-", StringComparison.Ordinal));
}
