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
        var builtIn = BuiltIn();
        var ports = new List<(string Setting, string Address, int Port)>(builtIn?.Ports ?? []);
        foreach (var (listenerName, listener) in options)
        {
            var section = $"{ListenersOptions.SectionName}:{listenerName}";
            if (listenerName.Length is 0 or > MaxNameLength || listenerName.AsSpan().ContainsAnyExcept(s_nameCharacters))
            {
                failures.Add($"{section} is not a valid listener name: use 1 to {MaxNameLength} letters, digits, '-' or '_'.");
            }
            else if (ConnectionListener.BuiltIn.Any(builtInListener => string.Equals(builtInListener.Name, listenerName, StringComparison.OrdinalIgnoreCase)))
            {
                failures.Add($"{section} takes the name of a built-in listener ({string.Join(", ", ConnectionListener.BuiltIn.Select(static builtInListener => builtInListener.Name))}): choose another.");
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
                var address = listener.Address ?? builtIn?.EchoAddress ?? ListenAddress.Any;
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

            if (listener.Tls && builtIn is { HasCertificate: false })
            {
                failures.Add($"{section}:Tls needs the TLS echo's certificate: set {EchoTlsSettings.CertificatePath}.");
            }

            listener.Impairments.Validate(listener.Mode, (field, message) => failures.Add($"{section}:{field} {message}"));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// The built-in endpoints' ports, the plain echo's address and whether a certificate is set; null when the Echo or
    /// EchoTls section is itself invalid: its own validator reports that, once, and these checks wait for a fixed one.
    /// </summary>
    private (List<(string Setting, string Address, int Port)> Ports, string EchoAddress, bool HasCertificate)? BuiltIn()
    {
        try
        {
            var ports = new List<(string Setting, string Address, int Port)> { ($"{EchoOptions.SectionName}:Port", echo.Value.Address, echo.Value.Port) };
            if (echoTls.Value.Enabled)
            {
                ports.Add((EchoTlsSettings.Port, echoTls.Value.Address, echoTls.Value.Port));
            }

            return (ports, echo.Value.Address, !string.IsNullOrWhiteSpace(echoTls.Value.CertificatePath));
        }
        catch (OptionsValidationException)
        {
            return null;
        }
    }

    private static bool Overlap(string address, string other) =>
        address == ListenAddress.Any || other == ListenAddress.Any || address == other;
}
