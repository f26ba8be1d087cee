using System.Diagnostics;

namespace KestrelEcho.Tests.Infrastructure;

/// <summary>
/// Command-line tools that come from Debian packages (promtool and prometheus from <c>prometheus</c>, haproxy). A
/// missing tool fails the test with the package to install; .ci/run installs them.
/// </summary>
public static class DebianTool
{
    public const string PrometheusPackage = "prometheus";

    public const string HaproxyPackage = "haproxy";

    /// <summary>The tool's full path, or a failed test naming the package that provides it.</summary>
    public static string Locate(string tool, string package)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists);
        if (path is null)
        {
            Assert.Fail($"'{tool}' is not installed: it comes with Debian's '{package}' package (apt-get install -y {package}; .ci/run installs it).");
        }

        return path;
    }

    /// <summary>Runs <paramref name="tool"/> to completion (at most a minute), with <paramref name="standardInput"/> if given.</summary>
    public static async Task<ToolResult> RunAsync(string tool, string package, IEnumerable<string> arguments, string? standardInput = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(Locate(tool, package))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        using var timeout = TestTimeout.Start(60);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            if (standardInput is not null)
            {
                await process.StandardInput.WriteAsync(standardInput.AsMemory(), timeout.Token);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token);
            return new ToolResult(process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>promtool with <paramref name="arguments"/>, from the repository root (paths relative to it work).</summary>
    public static Task<ToolResult> PromtoolAsync(IEnumerable<string> arguments, string? standardInput = null) =>
        RunAsync("promtool", PrometheusPackage, arguments, standardInput, RepositoryFiles.Root);
}
