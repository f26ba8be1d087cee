using KestrelEcho.Hosting;
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

        if (options.MaxConnections is < 1 or > MaxConnectionsCeiling)
        {
            failures.Add($"{Section}:MaxConnections must be between 1 and {MaxConnectionsCeiling}; got {options.MaxConnections}.");
        }

        if (options.MaxConnectionsPerIp < 0)
        {
            failures.Add($"{Section}:MaxConnectionsPerIp must be 0 (off) or more; got {options.MaxConnectionsPerIp}.");
        }

        RequireNotNegative(nameof(EchoOptions.IdleTimeout), options.IdleTimeout, failures);
        RequireNotNegative(nameof(EchoOptions.MaxLifetime), options.MaxLifetime, failures);
        RequireNotNegative(nameof(EchoOptions.DrainTimeout), options.DrainTimeout, failures);

        if (options.MaxBytesPerConnection < 0)
        {
            failures.Add($"{Section}:MaxBytesPerConnection must be 0 (off) or more; got {options.MaxBytesPerConnection}.");
        }

        if (options.RecentConnections < 0)
        {
            failures.Add($"{Section}:RecentConnections must be 0 or more; got {options.RecentConnections}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequireNotNegative(string setting, TimeSpan value, List<string> failures)
    {
        if (value < TimeSpan.Zero)
        {
            failures.Add($"{Section}:{setting} must be zero or a positive time span such as 00:05:00; got {value}.");
        }
    }
}
