namespace KestrelEcho.Testing;

/// <summary>Files of the repository the tests were built from (deploy/ artefacts, the root appsettings.json), found from the test binaries up.</summary>
public static class RepositoryFiles
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

    /// <summary>The absolute path of <paramref name="relativePath"/> (forward slashes) under the repository root.</summary>
    public static string PathOf(string relativePath) => Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    public static string ReadAllText(string relativePath) => File.ReadAllText(PathOf(relativePath));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "KestrelEcho.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No KestrelEcho.sln above {AppContext.BaseDirectory}: the tests run from the repository's build output.");
    }
}
