using KestrelEcho.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Echo;

internal sealed class EchoOptionsValidator : IValidateOptions<EchoOptions>
{
    public ValidateOptionsResult Validate(string? name, EchoOptions options)
    {
        var failures = new List<string>();
        ListenAddress.Validate(EchoOptions.SectionName, options.Address, options.Port, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
