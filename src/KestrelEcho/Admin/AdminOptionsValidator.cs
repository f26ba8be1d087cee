using KestrelEcho.Net;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Admin;

internal sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    private const string ApiKeySetting = $"{AdminOptions.SectionName}:ApiKey";
    private const string AllowedHostsSetting = $"{AdminOptions.SectionName}:AllowedHosts";

    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        // The key never goes into a message: start-up failures end up in logs and terminals.
        var failures = new List<string>();
        var key = options.ApiKey;
        if (!string.IsNullOrEmpty(key))
        {
            if (key.Length < AdminOptions.MinimumApiKeyLength)
            {
                failures.Add($"{ApiKeySetting} must be at least {AdminOptions.MinimumApiKeyLength} characters long (the key is not shown).");
            }

            // It travels as a bearer token in an HTTP header: Kestrel refuses non-ASCII header bytes and trims
            // spaces, so a key with either could never match.
            if (!key.All(static c => c is > ' ' and <= '~'))
            {
                failures.Add($"{ApiKeySetting} must be printable ASCII without spaces (the key is not shown).");
            }
        }

        for (var i = 0; i < options.AllowedHosts.Length; i++)
        {
            if (!AdminHost.IsHostName(options.AllowedHosts[i]))
            {
                failures.Add($"{AllowedHostsSetting}:{i} ('{options.AllowedHosts[i]}') must be a host name or an IP address, without scheme, port or wildcard.");
            }
        }

        if (options.Port is int port)
        {
            ListenAddress.Validate(AdminOptions.SectionName, options.Address, port, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
