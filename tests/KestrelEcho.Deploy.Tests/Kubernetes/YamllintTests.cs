namespace KestrelEcho.Deploy.Tests.Kubernetes;

[Requires("yamllint")]
public sealed class YamllintTests
{
    [Fact]
    public async Task KubernetesManifests_PassYamllintStrict()
    {
        var lint = await DeployTools.YamllintAsync("--strict", "-f", "parsable", "-c", "deploy/kubernetes/.yamllint", "deploy/kubernetes");

        Assert.True(lint.ExitCode == 0, lint.ToString());
    }
}
