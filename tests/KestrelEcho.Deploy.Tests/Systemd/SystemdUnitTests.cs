using System.Globalization;

namespace KestrelEcho.Deploy.Tests.Systemd;

/// <summary>deploy/systemd/kestrel-echo.service: checked by systemd-analyze and against the service's settings.</summary>
public sealed class SystemdUnitTests : IDisposable
{
    private const string UnitPath = "deploy/systemd/kestrel-echo.service";

    private static readonly ILookup<string, string> s_service = ServiceSection();

    private readonly string _directory = Directory.CreateTempSubdirectory("kestrel-echo-unit-").FullName;

    [Fact]
    [Requires("systemd")]
    public async Task SystemdAnalyzeVerify_ReportsNothing()
    {
        // verify also checks that ExecStart exists; the published binary is not on a test machine, so a copy of
        // the unit runs a real binary in its place. Unknown keys and bad values are reported on stderr with
        // exit code 0, hence the check for an empty stderr.
        var unit = CopyWithExecStart("/bin/true");

        var verify = await DeployTools.SystemdAnalyzeAsync("verify", unit);

        Assert.True(verify.ExitCode == 0 && verify.Stderr.Length == 0, verify.ToString());
    }

    [Fact]
    [Requires("systemd")]
    public async Task SystemdAnalyzeSecurity_RatesTheUnitExposureAtMost2()
    {
        var unit = CopyWithExecStart("/bin/true");

        // --threshold is the exposure times ten; above it, the exit code is non-zero.
        var security = await DeployTools.SystemdAnalyzeAsync("security", "--offline=yes", "--threshold=20", unit);

        Assert.True(security.ExitCode == 0, security.ToString());
    }

    [Fact]
    public void Unit_IsTypeNotify_RestartsOnFailure_AndReadsItsConfigFromEtc()
    {
        Assert.Equal("notify", Value("Type"));
        Assert.Equal("on-failure", Value("Restart"));
        Assert.Equal("/etc/kestrel-echo", Value("WorkingDirectory"));
        Assert.Equal("/opt/kestrel-echo/KestrelEcho", Value("ExecStart"));
    }

    [Fact]
    public void StopTimeout_OutlastsTheServicesOwnShutdown()
    {
        var shutdown = ServiceSettings.ShutdownTimeout(ServiceSettings.Shipped());

        var stop = Seconds(Value("TimeoutStopSec"));

        Assert.True(stop > shutdown, $"TimeoutStopSec {stop.TotalSeconds} s must outlast the service's shutdown ({shutdown.TotalSeconds} s, from Echo:ShutdownDelay and Echo:DrainTimeout), or systemd SIGKILLs the drain");
    }

    [Fact]
    public void OpenFileLimit_LeavesRoomAboveMaxConnections()
    {
        var maxConnections = ServiceSettings.Echo(ServiceSettings.Shipped()).MaxConnections;

        var limit = int.Parse(Value("LimitNOFILE"), CultureInfo.InvariantCulture);

        // Listeners, HTTP clients, the runtime's own descriptors and the journal stream need their share.
        Assert.True(limit >= maxConnections + 1000, $"LimitNOFILE {limit} leaves too little above Echo:MaxConnections {maxConnections}");
    }

    [Fact]
    public void MemoryMax_HoldsMaxConnectionsClientsThatDoNotRead()
    {
        var maxConnections = ServiceSettings.Echo(ServiceSettings.Shipped()).MaxConnections;
        var worstCase = MemoryBudget.WorstCase(maxConnections);

        var limit = Bytes(Value("MemoryMax"));

        Assert.True(
            limit >= worstCase,
            $"MemoryMax {limit / (1024 * 1024)} MiB is under the process's worst case, {worstCase / (1024 * 1024)} MiB for Echo:MaxConnections {maxConnections} clients that do not read (docs/operations.md, \"Memory per connection\"): systemd would kill it");
    }

    [Fact]
    public void History_IsKeptInTheStateDirectory_TheOnePlaceTheUnitMayWrite()
    {
        var state = Value("StateDirectory");
        var history = Assert.Single(s_service["Environment"], static variable => variable.StartsWith("History__Path=", StringComparison.Ordinal));

        Assert.Equal($"/var/lib/{state}", Path.GetDirectoryName(history["History__Path=".Length..]));
    }

    [Theory]
    [InlineData("DynamicUser", "yes")]
    [InlineData("NoNewPrivileges", "yes")]
    [InlineData("ProtectSystem", "strict")]
    [InlineData("ProtectHome", "yes")]
    [InlineData("PrivateTmp", "yes")]
    [InlineData("CapabilityBoundingSet", "")]
    [InlineData("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX")]
    [InlineData("SystemCallFilter", "@system-service")]
    public void Unit_IsHardened(string key, string expected)
    {
        Assert.Equal(expected, Value(key));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string CopyWithExecStart(string binary)
    {
        var copy = Path.Combine(_directory, "kestrel-echo.service");
        File.WriteAllText(copy, RepositoryFiles.ReadAllText(UnitPath).Replace("ExecStart=/opt/kestrel-echo/KestrelEcho", $"ExecStart={binary}", StringComparison.Ordinal));
        return copy;
    }

    private static string Value(string key) => Assert.Single(s_service[key]);

    private static TimeSpan Seconds(string value)
    {
        Assert.EndsWith("s", value, StringComparison.Ordinal);
        return TimeSpan.FromSeconds(int.Parse(value[..^1], CultureInfo.InvariantCulture));
    }

    /// <summary>A systemd size: bytes, or with a K, M, G or T suffix (powers of 1024).</summary>
    private static long Bytes(string value)
    {
        var power = "KMGT".IndexOf(value[^1], StringComparison.Ordinal) + 1;
        var number = long.Parse(power == 0 ? value : value[..^1], CultureInfo.InvariantCulture);
        return number << (10 * power);
    }

    /// <summary>The [Service] section's settings, key to values (a key may repeat).</summary>
    private static ILookup<string, string> ServiceSection() => RepositoryFiles.ReadAllText(UnitPath)
        .Split('\n')
        .Select(static line => line.Trim())
        .SkipWhile(static line => line != "[Service]")
        .Skip(1)
        .TakeWhile(static line => !line.StartsWith('['))
        .Where(static line => line.Length > 0 && !line.StartsWith('#'))
        .Select(static line => line.Split('=', 2))
        .ToLookup(static pair => pair[0], static pair => pair[1]);
}
