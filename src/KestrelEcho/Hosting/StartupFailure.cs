using System.Diagnostics.CodeAnalysis;
using System.Net;
using KestrelEcho.Admin;
using KestrelEcho.Echo;
using KestrelEcho.Listeners;
using KestrelEcho.Net;
using KestrelEcho.Ops;
using KestrelEcho.Tls;
using KestrelEcho.Udp;
using KestrelEcho.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Hosting;

/// <summary>
/// Turns the start-up failures an operator causes (a bad setting, an unusable certificate, a port in use) into
/// one line that names the setting. Anything else is a bug and keeps its stack trace.
/// </summary>
internal static class StartupFailure
{
    public static bool TryDescribe(Exception exception, ListenEndpoints? endpoints, [NotNullWhen(true)] out string? message)
    {
        message = exception switch
        {
            OptionsValidationException invalid => $"invalid configuration: {string.Join(" ", invalid.Failures)}",
            AggregateException { InnerExceptions: var inner } when inner.All(static e => e is OptionsValidationException) =>
                $"invalid configuration: {string.Join(" ", inner.Cast<OptionsValidationException>().SelectMany(static e => e.Failures))}",

            // The configuration binder names the key it could not convert, e.g. 'Echo:Port'. An unknown enum
            // name ('Echo:ProxyProtocol' = 'maybe') comes as an ArgumentException inside.
            InvalidOperationException { InnerException: FormatException or OverflowException or ArgumentException } conversion =>
                $"invalid configuration: {conversion.Message}",

            TlsCertificateException unusable => $"unusable TLS certificate: {unusable.Message}",
            UdpEchoBindException unbound => unbound.Message,
            IOException { InnerException: AddressInUseException } inUse => DescribeAddressInUse(inUse, endpoints),
            _ => null,
        };

        return message is not null;
    }

    private static string DescribeAddressInUse(IOException exception, ListenEndpoints? endpoints)
    {
        // Kestrel's message names the address ("…http://0.0.0.0:9999: address already in use"); say which
        // setting chose that port, and don't call the echo endpoint http.
        // Named listeners first: they bind after the built-in endpoints, so a port they share with one fails on theirs.
        (string Setting, IPEndPoint? EndPoint)[] candidates =
        [
            .. (endpoints?.Listeners ?? []).Select(static named => ($"{ListenersOptions.SectionName}:{named.Key}:Port", named.Value.IPEndPoint)),
            ($"{EchoOptions.SectionName}:Port", endpoints?.EchoEndPoint),
            (EchoTlsSettings.Port, endpoints?.EchoTlsEndPoint),
            ($"{HttpEndpointOptions.SectionName}:Port", endpoints?.HttpEndPoint),
            ($"{AdminOptions.SectionName}:Port", endpoints?.AdminEndPoint),
            (EchoWebSocketSettings.Port, endpoints?.EchoWebSocketEndPoint),
        ];

        foreach (var (setting, endPoint) in candidates)
        {
            if (endPoint is { Port: > 0 } && exception.Message.Contains($":{endPoint.Port}:", StringComparison.Ordinal))
            {
                return $"port {endPoint.Port} is already in use ({setting}); stop what holds it or choose another port.";
            }
        }

        return exception.Message;
    }
}
