using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Docs;

/// <summary>Every relative link in the README and the documents it leads to reaches a file, and the heading it names.</summary>
public sealed class MarkdownLinkTests
{
    public static TheoryData<string> Documents => [.. MarkdownLinks.Files()];

    [Fact]
    public void TheDocumentsAreFound()
    {
        Assert.Contains("README.md", MarkdownLinks.Files());
        Assert.Contains("docs/operations.md", MarkdownLinks.Files());
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void EveryRelativeLink_Resolves(string document)
    {
        var broken = new List<string>();
        foreach (var target in MarkdownLinks.RelativeTargets(RepositoryFiles.ReadAllText(document)))
        {
            var (path, anchor) = target.IndexOf('#', StringComparison.Ordinal) is var hash and >= 0 ? (target[..hash], target[(hash + 1)..]) : (target, null);
            var file = path.Length == 0 ? document : Path.GetRelativePath(RepositoryFiles.Root, Path.GetFullPath(path, Path.GetDirectoryName(RepositoryFiles.PathOf(document))!)).Replace(Path.DirectorySeparatorChar, '/');
            var full = RepositoryFiles.PathOf(file);
            if (!File.Exists(full) && !Directory.Exists(full))
            {
                broken.Add($"{target}: no {file}");
            }
            else if (anchor is not null && file.EndsWith(".md", StringComparison.Ordinal) && !MarkdownLinks.Anchors(File.ReadAllText(full)).Contains(anchor))
            {
                broken.Add($"{target}: no heading #{anchor} in {file}");
            }
        }

        Assert.True(broken.Count == 0, $"{document} has broken links:\n{string.Join('\n', broken)}");
    }

    [Theory]
    [InlineData("Limits and close reasons", "limits-and-close-reasons")]
    [InlineData("`Echo:MaxConnections` and friends", "echomaxconnections-and-friends")]
    [InlineData("Scaling out (behind HAProxy)", "scaling-out-behind-haproxy")]
    [InlineData("[The client](src/README.md) and bench", "the-client-and-bench")]
    public void Slug_IsGitHubs(string heading, string slug) => Assert.Equal(slug, MarkdownLinks.Slug(heading));

    [Fact]
    public void LinksInCode_AreNotLinks_AndRepeatedHeadingsGetNumbers()
    {
        const string Markdown = "# Top\n\nSee [ops](docs/ops.md#top) and `[not](a link)`.\n\n```text\n[nor](this)\n```\n\n## Top\n";

        Assert.Equal(["docs/ops.md#top"], MarkdownLinks.RelativeTargets(Markdown));
        Assert.Equal(new HashSet<string> { "top", "top-1" }, MarkdownLinks.Anchors(Markdown));
    }
}
