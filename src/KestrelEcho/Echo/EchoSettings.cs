using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace KestrelEcho.Echo;

/// <summary>
/// The echo limits in force. A change to the configuration (appsettings.json is watched) applies to new
/// connections (the idle timeout and lifetime to open ones too, from the sweeper's next tick), and is logged; an
/// invalid change is logged and ignored, keeping the last good settings, so a typo in a running service never turns
/// every accept into an exception.
/// </summary>
internal sealed partial class EchoSettings : IDisposable
{
    private readonly IOptionsFactory<EchoOptions> _factory;
    private readonly ILogger<EchoSettings> _logger;
    private readonly IDisposable _subscription;
    private volatile EchoOptions _current;

    // Not IOptionsMonitor: it drops an invalid reload silently (its change callback throws), and the operator
    // must hear that the edit was refused.
    public EchoSettings(IOptions<EchoOptions> startup, IOptionsFactory<EchoOptions> factory, IConfiguration configuration, ILogger<EchoSettings> logger)
    {
        _factory = factory;
        _logger = logger;
        _current = startup.Value;
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    public EchoOptions Current => _current;

    public void Dispose() => _subscription.Dispose();

    private void Reload()
    {
        EchoOptions updated;
        try
        {
            updated = _factory.Create(Options.DefaultName);
        }
        catch (OptionsValidationException invalid)
        {
            LogChangeRejected(_logger, invalid.Message);
            return;
        }
        catch (InvalidOperationException unconvertible) when (unconvertible.InnerException is FormatException or OverflowException or ArgumentException)
        {
            LogChangeRejected(_logger, unconvertible.Message);
            return;
        }

        var previous = _current;
        _current = updated;
        foreach (var change in Describe(previous, updated))
        {
            LogChanged(_logger, change);
        }
    }

    private static IEnumerable<string> Describe(EchoOptions before, EchoOptions after)
    {
        static string? Diff<T>(string name, T old, T now) =>
            EqualityComparer<T>.Default.Equals(old, now) ? null : $"{EchoOptions.SectionName}:{name} {old} -> {now}";

        string?[] changes =
        [
            Diff(nameof(EchoOptions.MaxConnections), before.MaxConnections, after.MaxConnections),
            Diff(nameof(EchoOptions.MaxConnectionsPerIp), before.MaxConnectionsPerIp, after.MaxConnectionsPerIp),
            Diff(nameof(EchoOptions.ClientPrefixV4), before.ClientPrefixV4, after.ClientPrefixV4),
            Diff(nameof(EchoOptions.ClientPrefixV6), before.ClientPrefixV6, after.ClientPrefixV6),
            Diff(nameof(EchoOptions.IdleTimeout), before.IdleTimeout, after.IdleTimeout),
            Diff(nameof(EchoOptions.SlowReaderTimeout), before.SlowReaderTimeout, after.SlowReaderTimeout),
            Diff(nameof(EchoOptions.MaxLifetime), before.MaxLifetime, after.MaxLifetime),
            Diff(nameof(EchoOptions.MaxBytesPerConnection), before.MaxBytesPerConnection, after.MaxBytesPerConnection),
            Diff(nameof(EchoOptions.ShutdownDelay), before.ShutdownDelay, after.ShutdownDelay) is { } delay ? $"{delay} (takes effect at restart)" : null,
            Diff(nameof(EchoOptions.DrainTimeout), before.DrainTimeout, after.DrainTimeout) is { } drain ? $"{drain} (takes effect at restart)" : null,
            Diff(nameof(EchoOptions.Address), before.Address, after.Address) is { } address ? $"{address} (takes effect at restart)" : null,
            Diff(nameof(EchoOptions.Port), before.Port, after.Port) is { } port ? $"{port} (takes effect at restart)" : null,
            Diff(nameof(EchoOptions.Transport), before.Transport, after.Transport) is { } transport ? $"{transport} (takes effect at restart)" : null,
            Diff(nameof(EchoOptions.RecentConnections), before.RecentConnections, after.RecentConnections) is { } recent ? $"{recent} (takes effect at restart)" : null,
            Diff(nameof(EchoOptions.ProxyProtocol), before.ProxyProtocol, after.ProxyProtocol) is { } proxy ? $"{proxy} (takes effect at restart)" : null,
            Diff(nameof(EchoOptions.TrustedProxies), $"[{string.Join(", ", before.TrustedProxies)}]", $"[{string.Join(", ", after.TrustedProxies)}]") is { } trusted ? $"{trusted} (takes effect at restart)" : null,
            Diff(nameof(EchoOptions.ProxyHeaderTimeout), before.ProxyHeaderTimeout, after.ProxyHeaderTimeout) is { } headerTimeout ? $"{headerTimeout} (takes effect at restart)" : null,
            Diff(nameof(EchoOptions.HandshakeTimeout), before.HandshakeTimeout, after.HandshakeTimeout) is { } handshake ? $"{handshake} (takes effect at restart)" : null,
            Diff(nameof(EchoOptions.RefusalLogInterval), before.RefusalLogInterval, after.RefusalLogInterval) is { } interval ? $"{interval} (takes effect at restart)" : null,
        ];

        return changes.OfType<string>();
    }

    [LoggerMessage(1, LogLevel.Information, "Setting changed: {Change}", EventName = "SettingChanged")]
    private static partial void LogChanged(ILogger logger, string change);

    [LoggerMessage(2, LogLevel.Error, "Ignored an invalid settings change, keeping the previous settings: {Failures}", EventName = "SettingChangeRejected")]
    private static partial void LogChangeRejected(ILogger logger, string failures);
}
