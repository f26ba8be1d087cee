using System.Buffers;
using KestrelEcho.Connections;
using KestrelEcho.Echo;
using KestrelEcho.Net;
using KestrelEcho.Tls;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Listeners;

internal sealed class ListenersOptionsValidator(IOptions<EchoOptions> echo, IOptions<EchoTlsOptions> echoTls) : IValidateOptions<ListenersOptions>
{
    public const int MaxNameLength = 64;

    private static readonly SearchValues<char> s_nameCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    public ValidateOptionsResult Validate(string? name, ListenersOptions options)
    {
        var failures = new List<string>();
        var ports = new List<(string Setting, string Address, int Port)>(BuiltInPorts());
        foreach (var (listenerName, listener) in options)
        {
            var section = $"{ListenersOptions.SectionName}:{listenerName}";
            if (listenerName.Length is 0 or > MaxNameLength || listenerName.AsSpan().ContainsAnyExcept(s_nameCharacters))
            {
                failures.Add($"{section} is not a valid listener name: use 1 to {MaxNameLength} letters, digits, '-' or '_'.");
            }
            else if (ConnectionListener.BuiltIn.Any(builtIn => string.Equals(builtIn.Name, listenerName, StringComparison.OrdinalIgnoreCase)))
            {
                failures.Add($"{section} takes the name of a built-in listener ({string.Join(", ", ConnectionListener.BuiltIn.Select(static builtIn => builtIn.Name))}): choose another.");
            }

            // A disabled entry is kept for later, like a disabled TLS echo: its stale values must not stop the service.
            if (!listener.Enabled)
            {
                continue;
            }

            if (listener.Port is not { } port)
            {
                failures.Add($"{section}:Port is required.");
            }
            else
            {
                var address = listener.Address ?? echo.Value.Address;
                ListenAddress.Validate(section, address, port, failures);
                if (port > 0 && ports.Find(other => other.Port == port && Overlap(other.Address, address)) is { Setting: { } taken })
                {
                    failures.Add($"{section}:Port {port} is already {taken}'s: each listener needs a port of its own.");
                }

                ports.Add(($"{section}:Port", address, port));
            }

            if (!Enum.IsDefined(listener.Mode))
            {
                failures.Add($"{section}:Mode must be Echo, WhoAmI, Discard or BlackHole; got {listener.Mode}.");
            }

            if (listener.Tls && string.IsNullOrWhiteSpace(echoTls.Value.CertificatePath))
            {
                failures.Add($"{section}:Tls needs the TLS echo's certificate: set {EchoTlsSettings.CertificatePath}.");
            }

            listener.Impairments.Validate(listener.Mode, (field, message) => failures.Add($"{section}:{field} {message}"));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private IEnumerable<(string Setting, string Address, int Port)> BuiltInPorts()
    {
        yield return ($"{EchoOptions.SectionName}:Port", echo.Value.Address, echo.Value.Port);
        if (echoTls.Value.Enabled)
        {
            yield return (EchoTlsSettings.Port, echoTls.Value.Address, echoTls.Value.Port);
        }
    }

    private static bool Overlap(string address, string other) =>
        address == ListenAddress.Any || other == ListenAddress.Any || address == other;
}
