using KestrelEcho.Net;
using Microsoft.Extensions.Options;

namespace KestrelEcho.WebSockets;

internal sealed class EchoWebSocketOptionsValidator : IValidateOptions<EchoWebSocketOptions>
{
    /// <summary>The ops paths the echo must not shadow: the admin API, health and metrics.</summary>
    private static readonly string[] s_reservedPaths = ["/connections", "/health", "/metrics"];

    public ValidateOptionsResult Validate(string? name, EchoWebSocketOptions options)
    {
        var failures = new List<string>();

        // Without a port of its own only the address is checked; the port stands in as valid.
        ListenAddress.Validate(EchoWebSocketOptions.SectionName, options.Address, options.Port ?? 0, failures);

        var path = options.Path;
        if (string.IsNullOrEmpty(path) || path[0] != '/' || path.Length == 1 || path.IndexOfAny(['{', '}', '?', '#', '*', ' ']) >= 0)
        {
            failures.Add($"{EchoWebSocketSettings.Path} must be a literal path such as /ws/echo (starting with '/', without '{{', '}}', '?', '#', '*' or spaces); got '{path}'.");
        }
        else if (s_reservedPaths.FirstOrDefault(reserved => new PathString(path).StartsWithSegments(reserved, StringComparison.OrdinalIgnoreCase)) is { } taken)
        {
            failures.Add($"{EchoWebSocketSettings.Path} must not be under {taken}, which the ops endpoint serves; got '{path}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
