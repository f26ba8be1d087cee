using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace KestrelEcho.Deploy.Tests.Systemd;

/// <summary>
/// deploy/systemd/kestrel-echo.service is Type=notify: systemd waits for READY=1 before it calls the unit started.
/// Checked without systemd: the test owns the notify socket and stands in for systemd as the service's parent.
/// </summary>
public sealed partial class SystemdNotifyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kestrel-echo-notify-").FullName;

    [Fact]
    public async Task UnderSystemd_SaysReadyOnceListening_AndStoppingOnSigterm_InTheJournalsLogFormat()
    {
        using var timeout = TestTimeout.Start(60);
        var socketPath = Path.Combine(_directory, "notify");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        await using var service = ServiceProcess.StartAsSystemdService(socketPath);

        Assert.Equal("READY=1", await ReceiveAsync(notify, timeout.Token));
        // Ready means ready: the echo endpoint answers as soon as systemd hears it.
        using (var client = await service.ConnectEchoAsync(timeout.Token))
        {
            await client.AssertHolaMundoEchoedAsync(timeout.Token);
        }

        await service.SendSignalAsync("TERM");

        Assert.Equal("STOPPING=1", await ReceiveAsync(notify, timeout.Token));
        Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        // The systemd console format: a syslog priority prefix ("<6>" is Information) that journald turns into
        // the entry's priority. The timestamp is appsettings.json's TimestampFormat, which applies to it too.
        Assert.Contains(service.Stdout, static line => JournalLine().IsMatch(line));
    }

    [Fact]
    public async Task OutsideSystemd_KeepsTheConfiguredLogFormat()
    {
        await using var service = ServiceProcess.Start();

        await service.WaitForEchoEndPointAsync();

        // Our own console format from appsettings.json: an ISO 8601 timestamp, then the level.
        Assert.Matches(@"^\d{4}-\d\d-\d\dT[\d:.]+Z info: KestrelEcho\.Hosting\.EndpointAnnouncer\[1\]", service.Stdout[0]);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [GeneratedRegex(@"^<6>\S+Z KestrelEcho\.Hosting\.EndpointAnnouncer\[1\] Echo endpoint listening on tcp://")]
    private static partial Regex JournalLine();

    private static async Task<string> ReceiveAsync(Socket notify, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var received = await notify.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        return Encoding.ASCII.GetString(buffer, 0, received).TrimEnd('\n');
    }
}
