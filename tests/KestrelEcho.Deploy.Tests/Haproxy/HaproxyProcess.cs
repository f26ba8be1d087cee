using System.Net.Sockets;
using System.Text;

namespace KestrelEcho.Deploy.Tests.Haproxy;

/// <summary>
/// A real HAProxy (Debian's <c>haproxy</c>) in the foreground with a given configuration, in a temporary directory
/// that also holds its stats socket. Disposing kills it by its process id and deletes the directory.
/// </summary>
public sealed class HaproxyProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly string _directory;
    private readonly string _statsSocket;

    private HaproxyProcess(ChildProcess process, string directory, string statsSocket)
    {
        _process = process;
        _directory = directory;
        _statsSocket = statsSocket;
    }

    /// <summary>What HAProxy has logged so far (its connection log included), for failure messages.</summary>
    public string Log => _process.Output;

    /// <summary>
    /// Starts HAProxy on the configuration <paramref name="configurationWithStatsSocket"/> makes for a stats socket
    /// path in HAProxy's own directory, and waits until the socket answers.
    /// </summary>
    public static async Task<HaproxyProcess> StartAsync(Func<string, string> configurationWithStatsSocket)
    {
        var binary = DeployTools.Haproxy;
        var directory = Directory.CreateTempSubdirectory("kestrel-echo-haproxy-").FullName;
        var statsSocket = Path.Combine(directory, "admin.sock");
        var configFile = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(configFile, configurationWithStatsSocket(statsSocket), TestContext.Current.CancellationToken);

        // -db: stay in the foreground, one process, so its id is the one to kill.
        var haproxy = new HaproxyProcess(ChildProcess.Start(binary, ["-db", "-f", configFile], directory), directory, statsSocket);
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
        await _process.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<bool> AnswersOnStatsSocketAsync()
    {
        if (_process.HasExited)
        {
            Assert.Fail($"HAProxy exited with {_process.ExitCode} (the shipped configuration chroots and drops to user haproxy, which needs root, as ./test.sh has):\n{Log}");
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
}
