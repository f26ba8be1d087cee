using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace KestrelEcho.Tests.Infrastructure;

/// <summary>
/// A real HAProxy (Debian's <c>haproxy</c>) in the foreground with a given configuration, in a temporary directory
/// that also holds its stats socket. Disposing kills it by its process id and deletes the directory.
/// </summary>
public sealed class HaproxyProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly string _statsSocket;
    private readonly ConcurrentQueue<string> _output = new();

    private HaproxyProcess(Process process, string directory, string statsSocket)
    {
        _process = process;
        _directory = directory;
        _statsSocket = statsSocket;
        _process.OutputDataReceived += (_, line) => Collect(line.Data);
        _process.ErrorDataReceived += (_, line) => Collect(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>What HAProxy has logged so far (its connection log included), for failure messages.</summary>
    public string Log => string.Join('\n', _output);

    /// <summary>
    /// Starts HAProxy on the configuration <paramref name="configurationWithStatsSocket"/> makes for a stats socket
    /// path in HAProxy's own directory, and waits until the socket answers.
    /// </summary>
    public static async Task<HaproxyProcess> StartAsync(Func<string, string> configurationWithStatsSocket)
    {
        var binary = DebianTool.Locate("haproxy", DebianTool.HaproxyPackage);
        var directory = Directory.CreateTempSubdirectory("kestrel-echo-haproxy-").FullName;
        var statsSocket = Path.Combine(directory, "admin.sock");
        var configFile = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(configFile, configurationWithStatsSocket(statsSocket), TestContext.Current.CancellationToken);

        // -db: stay in the foreground, one process, so its id is the one to kill.
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in (string[])["-db", "-f", configFile])
        {
            start.ArgumentList.Add(argument);
        }

        var haproxy = new HaproxyProcess(Process.Start(start) ?? throw new InvalidOperationException("haproxy did not start."), directory, statsSocket);
        try
        {
            await Poll.UntilAsync(haproxy.AnswersOnStatsSocketAsync, TimeSpan.FromSeconds(15), () => $"HAProxy to answer on {statsSocket}; its log:\n{haproxy.Log}");
            return haproxy;
        }
        catch
        {
            await haproxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>Every server's row of <c>show stat</c>, from the stats socket.</summary>
    public async Task<IReadOnlyList<HaproxyServerStat>> ShowServersAsync() => HaproxyServerStat.ParseServers(await CommandAsync("show stat"));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<bool> AnswersOnStatsSocketAsync()
    {
        if (_process.HasExited)
        {
            Assert.Fail($"HAProxy exited with {_process.ExitCode} (the shipped configuration chroots and drops to user haproxy, which needs root, as .ci/run runs the tests):\n{Log}");
        }

        try
        {
            return (await CommandAsync("show info")).Contains("Name: HAProxy", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>One command on the stats socket; HAProxy answers and closes (non-interactive mode).</summary>
    private async Task<string> CommandAsync(string command)
    {
        using var timeout = TestTimeout.Start(10);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_statsSocket), timeout.Token);
        await socket.SendAllAsync(Encoding.ASCII.GetBytes(command + "\n"), timeout.Token);
        return Encoding.ASCII.GetString(await socket.ReceiveToEndAsync(timeout.Token));
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
