using System.Runtime.InteropServices;

namespace KestrelEcho.Hosting;

/// <summary>
/// Every connection is a file descriptor. The JIT runtime raises the soft <c>RLIMIT_NOFILE</c> to the hard limit at
/// start-up; a Native AOT binary does not, so under a common soft limit of 1,024 it would refuse connections long
/// before <c>Echo:MaxConnections</c>. This does what the JIT runtime does, on Linux.
/// </summary>
internal static partial class OpenFileLimit
{
    private const int RlimitNofile = 7;

    public static void RaiseSoftToHard()
    {
        if (!OperatingSystem.IsLinux() || GetRLimit(RlimitNofile, out var limit) != 0 || limit.Current >= limit.Maximum)
        {
            return;
        }

        // A failure leaves the limit as it was; the service still starts.
        _ = SetRLimit(RlimitNofile, new ResourceLimit { Current = limit.Maximum, Maximum = limit.Maximum });
    }

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static partial int GetRLimit(int resource, out ResourceLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit")]
    private static partial int SetRLimit(int resource, in ResourceLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
