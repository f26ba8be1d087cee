using System.Globalization;

namespace KestrelEcho.Deploy.Tests.Attacks;

/// <summary>
/// The service's highest open-file count during an attack, sampled from <c>/proc/PID/fd</c> ten times a second, and
/// its peak resident memory, which the kernel keeps itself (<c>VmHWM</c>: since the process started).
/// </summary>
internal sealed class ResourcePeaks
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(100);

    private readonly int _processId;
    private int _openFiles;

    private ResourcePeaks(int processId, CancellationToken stop)
    {
        _processId = processId;
        Stopped = RunAsync(stop);
    }

    public Task Stopped { get; }

    public int OpenFiles => _openFiles;

    /// <summary>The peak resident bytes so far.</summary>
    public long ResidentBytes
    {
        get
        {
            var line = File.ReadLines($"/proc/{_processId}/status").First(static l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
    }

    public static ResourcePeaks Start(int processId, CancellationToken stop) => new(processId, stop);

    private async Task RunAsync(CancellationToken stop)
    {
        await Task.Yield();
        using var interval = new PeriodicTimer(s_interval);
        do
        {
            _openFiles = Math.Max(_openFiles, Directory.EnumerateFileSystemEntries($"/proc/{_processId}/fd").Count());
        }
        while (await Ticks.NextAsync(interval, stop));
    }
}
