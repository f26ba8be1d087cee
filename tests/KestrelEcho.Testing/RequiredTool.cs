namespace KestrelEcho.Testing;

/// <summary>
/// Finds the programs the tests drive (haproxy, promtool, kubectl, …). A missing one fails the test with the package
/// that provides it; ./test.sh installs every one of them.
/// </summary>
public static class RequiredTool
{
    /// <summary>Where ./test.sh puts tools that are not apt packages on this machine (the kubectl versions).</summary>
    public const string ToolsDirectory = ".tools";

    /// <summary>
    /// The full path of <paramref name="tool"/> on PATH, or a failed test naming the Debian <paramref name="package"/>
    /// to install.
    /// </summary>
    public static string Locate(string tool, string package)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists);
        if (path is null)
        {
            Assert.Fail($"'{tool}' is not installed: it comes with Debian's '{package}' package (./test.sh installs it as root; or apt-get install -y {package}).");
        }

        return path;
    }

    /// <summary>A tool ./test.sh fetched into <see cref="ToolsDirectory"/> (e.g. <c>kubectl/debian/kubectl</c>), or a failed test.</summary>
    public static string LocateFetched(string relativePath)
    {
        var path = RepositoryFiles.PathOf($"{ToolsDirectory}/{relativePath}");
        if (!File.Exists(path))
        {
            Assert.Fail($"'{path}' is missing: ./test.sh fetches it.");
        }

        return path;
    }

    /// <summary>Fails the test unless it runs as root (network namespaces, a HAProxy that chroots).</summary>
    public static void AssertRoot(string why)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Fail($"This test needs root ({why}): run sudo ./test.sh.");
        }
    }
}
