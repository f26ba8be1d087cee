using System.Text;
using System.Text.RegularExpressions;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Docs;

/// <summary>
/// The relative links of the repository's Markdown files and the headings they point at, read the way GitHub renders
/// them: links inside code are not links, and a heading's anchor is its text lower-cased, without punctuation, spaces
/// turned to hyphens, with -1, -2… for repeats.
/// </summary>
public static partial class MarkdownLinks
{
    private static readonly string[] s_skippedDirectories = ["bin", "obj", ".git", ".tools", "TestResults", "node_modules"];

    /// <summary>Every .md file of the repository, as paths relative to its root with forward slashes.</summary>
    public static IReadOnlyList<string> Files() =>
    [
        .. Directory.EnumerateFiles(RepositoryFiles.Root, "*.md", SearchOption.AllDirectories)
            .Select(static path => Path.GetRelativePath(RepositoryFiles.Root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(static path => !path.Split('/').Any(s_skippedDirectories.Contains))
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>The link targets of <paramref name="markdown"/> that are not web addresses, in order.</summary>
    public static IReadOnlyList<string> RelativeTargets(string markdown)
    {
        var prose = WithoutCode(markdown);
        return
        [
            .. InlineLink().Matches(prose).Select(static m => m.Groups["target"].Value)
                .Concat(ReferenceDefinition().Matches(prose).Select(static m => m.Groups["target"].Value))
                .Select(static target => target.Trim('<', '>'))
                .Where(static target => !AbsoluteTarget().IsMatch(target)),
        ];
    }

    /// <summary>The anchors a link can name in <paramref name="markdown"/>: its headings' slugs and any HTML ids.</summary>
    public static IReadOnlySet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match heading in Heading().Matches(WithoutCode(markdown)))
        {
            var slug = Slug(heading.Groups["text"].Value);
            var unique = slug;
            for (var repeat = 1; !anchors.Add(unique); repeat++)
            {
                unique = $"{slug}-{repeat}";
            }
        }

        foreach (Match id in HtmlId().Matches(markdown))
        {
            anchors.Add(id.Groups["id"].Value);
        }

        return anchors;
    }

    public static string Slug(string heading)
    {
        var text = InlineLink().Replace(heading, static m => m.Groups["text"].Value).Replace("`", "", StringComparison.Ordinal).Trim().ToLowerInvariant();
        var slug = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }

        return slug.ToString();
    }

    /// <summary>The text with fenced code blocks and inline code spans blanked out (line breaks kept).</summary>
    private static string WithoutCode(string markdown) =>
        InlineCode().Replace(FencedCode().Replace(markdown, static m => new string('\n', m.Value.Count(static c => c == '\n'))), "");

    [GeneratedRegex(@"^(?<fence>```|~~~).*?^\k<fence>[^\n]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"`[^`\n]+`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"(?<!!)\[(?<text>[^\]]*)\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^\s{0,3}\[[^\]]+\]:\s*(?<target>\S+)", RegexOptions.Multiline)]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)]
    private static partial Regex AbsoluteTarget();

    [GeneratedRegex(@"^#{1,6}[ \t]+(?<text>.+?)[ \t#]*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"<a\s+(?:name|id)=""(?<id>[^""]+)""")]
    private static partial Regex HtmlId();
}
