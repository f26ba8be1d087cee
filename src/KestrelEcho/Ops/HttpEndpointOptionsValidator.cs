using KestrelEcho.Net;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Ops;

internal sealed class HttpEndpointOptionsValidator : IValidateOptions<HttpEndpointOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpEndpointOptions options)
    {
        var failures = new List<string>();
        ListenAddress.Validate(HttpEndpointOptions.SectionName, options.Address, options.Port, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
