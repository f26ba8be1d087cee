namespace KestrelEcho.Deploy.Tests.Kubernetes;

/// <summary>
/// A kubectl that ./test.sh fetched into .tools/kubectl: the one Debian 12 ships (<c>kubernetes-client</c>, 1.20, kustomize
/// v2), which is what a fresh machine gets, and a current one. deploy/kubernetes must render the same on both.
/// </summary>
public sealed record Kubectl(string Name)
{
    public static readonly Kubectl Debian = new("debian");

    public static readonly Kubectl Current = new("current");

    public static IReadOnlyList<Kubectl> All => [Debian, Current];

    public string Path => RequiredTool.LocateFetched($"kubectl/{Name}/kubectl");

    public override string ToString() => Name;
}
