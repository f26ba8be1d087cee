using KestrelEcho.Net;
using KestrelEcho.Proxy;
using KestrelEcho.Tls;
using KestrelEcho.Transport;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Echo;

internal sealed class EchoOptionsValidator : IValidateOptions<EchoOptions>
{
    /// <summary>Beyond this the per-process file limit (and the kernel) refuse long before we would.</summary>
    public const int MaxConnectionsCeiling = 1_000_000;

    private const string Section = EchoOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, EchoOptions options)
    {
        var failures = new List<string>();
        ListenAddress.Validate(Section, options.Address, options.Port, failures);

        if (!Enum.IsDefined(options.Transport))
        {
            failures.Add($"{Section}:Transport must be Sockets or Epoll; got {options.Transport}.");
        }
        else if (options.Transport == EchoTransport.Epoll && !EpollTransportFactory.IsSupported)
        {
            failures.Add($"{Section}:Transport Epoll needs Linux; use Sockets on this system.");
        }

        if (options.MaxConnections is < 1 or > MaxConnectionsCeiling)
        {
            failures.Add($"{Section}:MaxConnections must be between 1 and {MaxConnectionsCeiling}; got {options.MaxConnections}.");
        }

        if (options.MaxConnectionsPerIp < 0)
        {
            failures.Add($"{Section}:MaxConnectionsPerIp must be 0 (off) or more; got {options.MaxConnectionsPerIp}.");
        }

        if (options.ClientPrefixV4 is < 0 or > 32)
        {
            failures.Add($"{Section}:ClientPrefixV4 must be a prefix length between 0 and 32; got {options.ClientPrefixV4}.");
        }

        if (options.ClientPrefixV6 is < 0 or > 128)
        {
            failures.Add($"{Section}:ClientPrefixV6 must be a prefix length between 0 and 128; got {options.ClientPrefixV6}.");
        }

        RequireNotNegative(nameof(EchoOptions.IdleTimeout), options.IdleTimeout, failures);
        RequireNotNegative(nameof(EchoOptions.SlowReaderTimeout), options.SlowReaderTimeout, failures);
        RequireNotNegative(nameof(EchoOptions.MaxLifetime), options.MaxLifetime, failures);
        RequireNotNegative(nameof(EchoOptions.ShutdownDelay), options.ShutdownDelay, failures);
        RequireNotNegative(nameof(EchoOptions.DrainTimeout), options.DrainTimeout, failures);

        if (options.MaxBytesPerConnection < 0)
        {
            failures.Add($"{Section}:MaxBytesPerConnection must be 0 (off) or more; got {options.MaxBytesPerConnection}.");
        }

        if (options.RecentConnections < 0)
        {
            failures.Add($"{Section}:RecentConnections must be 0 or more; got {options.RecentConnections}.");
        }

        RequirePositive(nameof(EchoOptions.HandshakeTimeout), options.HandshakeTimeout, failures);
        var maxHandshakeTimeout = EchoTlsListenOptionsExtensions.MaxHandshakeTimeout - ConnectionSweeper.KestrelHandshakeTimeout(TimeSpan.Zero);
        if (options.HandshakeTimeout > maxHandshakeTimeout)
        {
            failures.Add($"{Section}:HandshakeTimeout must be at most {maxHandshakeTimeout}; got {options.HandshakeTimeout}.");
        }

        RequirePositive(nameof(EchoOptions.RefusalLogInterval), options.RefusalLogInterval, failures);
        ValidateProxyProtocol(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateProxyProtocol(EchoOptions options, List<string> failures)
    {
        if (!Enum.IsDefined(options.ProxyProtocol))
        {
            failures.Add($"{Section}:ProxyProtocol must be Off, Optional or Required; got {options.ProxyProtocol}.");
        }

        RequirePositive(nameof(EchoOptions.ProxyHeaderTimeout), options.ProxyHeaderTimeout, failures);

        for (var i = 0; i < options.TrustedProxies.Length; i++)
        {
            if (!TrustedProxies.TryParseEntry(options.TrustedProxies[i], out _))
            {
                failures.Add($"{Section}:TrustedProxies:{i} must be an IP address or a CIDR range such as 10.0.0.0/8 (no bits set past the prefix); got '{options.TrustedProxies[i]}'.");
            }
        }

        if (options.ProxyProtocol is ProxyProtocolMode.Optional or ProxyProtocolMode.Required && options.TrustedProxies.Length == 0)
        {
            failures.Add($"{Section}:TrustedProxies must list the proxies' addresses or CIDR ranges when {Section}:ProxyProtocol is {options.ProxyProtocol}; it is empty, so no header would be believed.");
        }
    }

    private static void RequireNotNegative(string setting, TimeSpan value, List<string> failures)
    {
        if (value < TimeSpan.Zero)
        {
            failures.Add($"{Section}:{setting} must be zero or a positive time span such as 00:05:00; got {value}.");
        }
    }

    private static void RequirePositive(string setting, TimeSpan value, List<string> failures)
    {
        // Kestrel takes no infinite handshake timeout, and an interval or timeout of zero means nothing useful.
        if (value <= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan)
        {
            failures.Add($"{Section}:{setting} must be a positive time span such as 00:00:10; got {value}.");
        }
    }
}
