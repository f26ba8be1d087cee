namespace KestrelEcho.Tests.Infrastructure;

/// <summary>Files of the repository the tests were built from (deploy/ artefacts, the root appsettings.json).</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relativePath) => Path.Combine(Root, relativePath);

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

        throw new InvalidOperationException($"No KestrelEcho.sln above {AppContext.BaseDirectory}.");
    }
}
