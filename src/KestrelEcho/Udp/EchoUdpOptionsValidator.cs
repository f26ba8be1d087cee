using KestrelEcho.Net;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Udp;

internal sealed class EchoUdpOptionsValidator : IValidateOptions<EchoUdpOptions>
{
    /// <summary>The largest payload an IPv4 UDP datagram can carry.</summary>
    public const int MaxUdpPayload = 65_507;

    /// <summary>A million flows is about 200 MB of state: beyond that a bound stops being one.</summary>
    public const int MaxFlowsCeiling = 1_000_000;

    private const string Section = EchoUdpOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, EchoUdpOptions options)
    {
        var failures = new List<string>();
        ListenAddress.Validate(Section, options.Address, options.Port, failures);

        if (options.Enabled && !OperatingSystem.IsLinux())
        {
            failures.Add($"{EchoUdpSettings.Enabled} needs Linux: the answer's source address is set per datagram with IP_PKTINFO (recvmsg and sendmsg).");
        }

        if (options.PacketsPerSecondPerClient < 0)
        {
            failures.Add($"{EchoUdpSettings.PacketsPerSecondPerClient} must be 0 (off) or more; got {options.PacketsPerSecondPerClient}.");
        }

        if (options.PacketsPerSecondPerClient > 0 && options.BurstPerClient < 1)
        {
            failures.Add($"{EchoUdpSettings.BurstPerClient} must be 1 or more; got {options.BurstPerClient}.");
        }

        if (options.MaxDatagramSize is < 1 or > MaxUdpPayload)
        {
            failures.Add($"{EchoUdpSettings.MaxDatagramSize} must be between 1 and {MaxUdpPayload}; got {options.MaxDatagramSize}.");
        }

        if (options.BytesPerSecondPerClient < 0)
        {
            failures.Add($"{EchoUdpSettings.BytesPerSecondPerClient} must be 0 (off) or more; got {options.BytesPerSecondPerClient}.");
        }
        else if (options.BytesPerSecondPerClient > 0 && options.BytesPerSecondPerClient < options.MaxDatagramSize)
        {
            failures.Add($"{EchoUdpSettings.BytesPerSecondPerClient} must be 0 (off) or at least {EchoUdpSettings.MaxDatagramSize} ({options.MaxDatagramSize}), or the largest datagrams could never be answered; got {options.BytesPerSecondPerClient}.");
        }

        for (var i = 0; i < options.AllowedSourcePorts.Length; i++)
        {
            var entry = options.AllowedSourcePorts[i];
            if (!UdpSourcePorts.TryParseRange(entry, out var range))
            {
                failures.Add($"{EchoUdpSettings.AllowedSourcePorts}:{i} must be a port (500) or a range (600-700) between 1 and 65535; got '{entry}'.");
            }
            else if (range.First == range.Last && UdpSourcePorts.ReflectorPorts.Contains(range.First))
            {
                failures.Add($"{EchoUdpSettings.AllowedSourcePorts}:{i} names {range.First}, a reflector port, which is never answered; remove it.");
            }
        }

        if (options.FlowIdleTimeout <= TimeSpan.Zero || options.FlowIdleTimeout == Timeout.InfiniteTimeSpan)
        {
            failures.Add($"{EchoUdpSettings.FlowIdleTimeout} must be a positive time span such as 00:01:00; got {options.FlowIdleTimeout}.");
        }

        if (options.MaxFlows is < 1 or > MaxFlowsCeiling)
        {
            failures.Add($"{EchoUdpSettings.MaxFlows} must be between 1 and {MaxFlowsCeiling}; got {options.MaxFlows}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
