using System.ComponentModel;
using System.Diagnostics;

namespace KestrelEcho.Tests.Infrastructure;

/// <summary>
/// Runs a tool the deploy tests check artefacts with (kubectl, yamllint, systemd-analyze). A missing tool fails
/// the test with the apt package that provides it, never skips it.
/// </summary>
public static class ExternalCommand
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public static async Task<Result> RunAsync(string aptPackage, string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = RepositoryFiles.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        }
        catch (Win32Exception)
        {
            Assert.Fail($"'{fileName}' is not installed: this test needs it (apt-get install {aptPackage}; .ci/run installs it).");
            throw;
        }

        using (process)
        using (var timeout = TestTimeout.Start(60))
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return new Result(process.ExitCode, await stdout, await stderr);
        }
    }
}
