using System.Text.Json;
using System.Xml.Linq;
using KestrelEcho.Connections;
using KestrelEcho.Echo;
using KestrelEcho.Health;
using KestrelEcho.History;
using KestrelEcho.Net;
using KestrelEcho.Ops;
using Microsoft.Extensions.Configuration;

namespace KestrelEcho.Deploy.Tests.Container;

/// <summary>
/// deploy/container/Containerfile, read as text: no registry or container engine is needed. The image itself is
/// built and run by deploy/container/scratch-smoke.sh (in .ci/run).
/// </summary>
public sealed class ContainerfileTests
{
    private static readonly string[] s_lines = [.. RepositoryFiles.ReadAllText("deploy/container/Containerfile")
        .Split('\n')
        .Select(static line => line.Trim())
        .Where(static line => line.Length > 0 && !line.StartsWith('#'))];

    /// <summary>The instructions after the last FROM: what the shipped image is made of.</summary>
    private static readonly string[] s_runtimeStage = [.. s_lines.SkipWhile((_, i) => i < Array.FindLastIndex(s_lines, static l => l.StartsWith("FROM ", StringComparison.Ordinal)))];

    [Fact]
    public void BuildStage_PublishesTheServiceAsNativeAot_WithTheSdkAotImage()
    {
        var project = XDocument.Load(RepositoryFiles.PathOf("src/KestrelEcho/KestrelEcho.csproj"));

        Assert.Equal("true", project.Descendants("PublishAot").Single().Value);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0-noble-aot AS ", s_lines[0], StringComparison.Ordinal);
        Assert.Contains(s_lines, static l => l.StartsWith("RUN dotnet publish src/KestrelEcho/KestrelEcho.csproj -c Release", StringComparison.Ordinal));
    }

    [Fact]
    public void RuntimeStage_IsChiseled_RunsTheBinaryAsANumericNonRootUser()
    {
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled", s_runtimeStage[0], StringComparison.Ordinal);
        var user = Instruction("USER");
        Assert.True(int.TryParse(user, out var uid) && uid > 0, $"USER must be a numeric non-root id, got '{user}'");

        var workdir = Instruction("WORKDIR");
        var entrypoint = JsonSerializer.Deserialize<string[]>(Instruction("ENTRYPOINT"))!;
        Assert.Equal([$"{workdir}/KestrelEcho"], entrypoint);
        // The content root is the working directory: appsettings.json must be there.
        var copy = BinaryCopy();
        Assert.Contains("/out/KestrelEcho", copy, StringComparison.Ordinal);
        Assert.Contains("/out/appsettings.json", copy, StringComparison.Ordinal);
        Assert.EndsWith($" {workdir}/", copy, StringComparison.Ordinal);
    }

    [Fact]
    public void RuntimeStage_ExposesTheEchoAndHttpPorts_TheServiceListensOnByDefault()
    {
        var settings = ServiceSettings.Shipped();
        var expected = new[]
        {
            ServiceSettings.Echo(settings).Port,
            settings.GetSection(HttpEndpointOptions.SectionName).Get<HttpEndpointOptions>()!.Port,
        };

        var exposed = Instruction("EXPOSE").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse);

        Assert.Equal(expected.Order(), exposed.Order());
    }

    [Fact]
    public void RuntimeStage_ShipsSqliteBesideTheBinary_AndAVolumeTheUserOwns_WhereTheHistoryGoes()
    {
        Assert.Contains(" /out/libe_sqlite3.so ", BinaryCopy(), StringComparison.Ordinal);

        // The shipped settings leave History:Path to its default, under the content root: the working directory.
        Assert.Equal("", ServiceSettings.Shipped()["History:Path"]);
        var volume = Instruction("VOLUME");
        Assert.Equal($"{Instruction("WORKDIR")}/{Path.GetDirectoryName(HistoryDatabase.DefaultPath)}", volume);
        var user = Instruction("USER");
        Assert.Contains($"COPY --from=build --chown={user}:{user} /out/data {volume}", s_runtimeStage);
    }

    [Fact]
    public void RuntimeUser_IsTheOneTheKubernetesPodRunsAs()
    {
        var deployment = RepositoryFiles.ReadAllText("deploy/kubernetes/base/deployment.yaml");

        Assert.Contains($"runAsUser: {Instruction("USER")}\n", deployment, StringComparison.Ordinal);
    }

    /// <summary>The COPY of the binary and its files into the working directory.</summary>
    private static string BinaryCopy() =>
        Assert.Single(s_runtimeStage, static l => l.StartsWith("COPY ", StringComparison.Ordinal) && l.Contains("/out/KestrelEcho ", StringComparison.Ordinal));

    private static string Instruction(string name)
    {
        var line = Assert.Single(s_runtimeStage, l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return line[(name.Length + 1)..].Trim();
    }
}
