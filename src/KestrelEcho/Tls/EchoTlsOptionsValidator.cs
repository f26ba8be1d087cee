using KestrelEcho.Net;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Tls;

internal sealed class EchoTlsOptionsValidator : IValidateOptions<EchoTlsOptions>
{
    public ValidateOptionsResult Validate(string? name, EchoTlsOptions options)
    {
        var failures = new List<string>();
        ListenAddress.Validate(EchoTlsOptions.SectionName, options.Address, options.Port, failures);

        // Files matter only when the endpoint is on: a disabled endpoint with stale paths must not stop the service.
        if (options.Enabled)
        {
            if (string.IsNullOrWhiteSpace(options.CertificatePath))
            {
                failures.Add($"{EchoTlsSettings.CertificatePath} is required when {EchoTlsSettings.Enabled} is true.");
            }
            else
            {
                RequireFile(EchoTlsSettings.CertificatePath, options.CertificatePath, failures);
            }

            if (!string.IsNullOrWhiteSpace(options.KeyPath))
            {
                RequireFile(EchoTlsSettings.KeyPath, options.KeyPath, failures);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequireFile(string setting, string path, List<string> failures)
    {
        if (!File.Exists(path))
        {
            failures.Add($"{setting} '{path}' does not exist.");
        }
    }
}
