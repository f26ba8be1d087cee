using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace KestrelEcho.Testing;

/// <summary>
/// A program the tests start and own: the service itself, HAProxy, Prometheus or a command-line tool. Its output
/// lines are collected as they come; disposing kills it (and its children) by its process id if it still runs.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly ConcurrentQueue<string> _output = new();

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, line) => Collect(_stdout, line.Data);
        _process.ErrorDataReceived += (_, line) => Collect(_stderr, line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public IReadOnlyList<string> Stdout => [.. _stdout];

    public IReadOnlyList<string> Stderr => [.. _stderr];

    /// <summary>Both streams, interleaved as they arrived: for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts <paramref name="fileName"/> (a path, or a name looked up on PATH) with <paramref name="arguments"/>.
    /// <paramref name="environment"/> entries are added to the test process's environment; a null value removes one.
    /// </summary>
    public static ChildProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        try
        {
            return new ChildProcess(Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start."));
        }
        catch (Win32Exception exception)
        {
            throw new InvalidOperationException($"'{fileName}' could not be started: {exception.Message}", exception);
        }
    }

    /// <summary>
    /// Runs <paramref name="fileName"/> to completion (at most <paramref name="timeout"/>, a minute by default),
    /// with <paramref name="standardInput"/> if given, from <paramref name="workingDirectory"/> (the repository root
    /// by default, so paths relative to it work).
    /// </summary>
    public static async Task<ToolResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string? standardInput = null,
        string? workingDirectory = null,
        TimeSpan? timeout = null)
    {
        await using var tool = Start(fileName, arguments, workingDirectory ?? RepositoryFiles.Root);
        if (standardInput is not null)
        {
            await tool._process.StandardInput.WriteAsync(standardInput.AsMemory(), TestContext.Current.CancellationToken);
        }

        tool._process.StandardInput.Close();
        var exitCode = await tool.WaitForExitAsync(timeout ?? TimeSpan.FromMinutes(1));
        return new ToolResult(exitCode, string.Join('\n', tool._stdout), string.Join('\n', tool._stderr));
    }

    /// <summary>Sends <paramref name="signal"/> (e.g. <c>TERM</c>, <c>INT</c>) to <paramref name="processId"/>, one of ours.</summary>
    public static async Task SignalAsync(int processId, string signal)
    {
        // The shell's own kill: /bin/kill comes with procps, which a minimal Debian lacks.
        var kill = await RunAsync("sh", ["-c", "kill -s \"$0\" \"$1\"", signal, processId.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(kill.ExitCode == 0, $"kill -s {signal} {processId} failed: {kill}");
    }

    public Task SignalAsync(string signal) => SignalAsync(_process.Id, signal);

    /// <summary>Waits for the process to exit, failing the test after <paramref name="timeout"/>; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(timeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{_process.StartInfo.FileName} did not exit within {timeout.TotalSeconds:0.#} s; its output:\n{Output}");
        }

        // The parameterless wait also drains the redirected output to its end.
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Collect(ConcurrentQueue<string> lines, string? line)
    {
        if (line is not null)
        {
            lines.Enqueue(line);
            _output.Enqueue(line);
        }
    }
}
