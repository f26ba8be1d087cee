using System.Net;
using KestrelEcho.Connections;
using KestrelEcho.Net;
using Microsoft.Extensions.Primitives;

namespace KestrelEcho.Admin;

/// <summary>
/// Which live connections <c>GET /connections</c> lists and <c>DELETE /connections</c> closes: those that match
/// every filter given. Durations are in seconds; idle counts since a byte last moved either way.
/// </summary>
internal sealed record ConnectionFilter(
    IPNetwork? Network,
    ConnectionStage? Stage,
    TimeSpan? MinIdle,
    TimeSpan? MinAge,
    bool? Proxied,
    ConnectionTransport? Transport,
    string? Listener)
{
    public const string Parameters = "ip, state, minIdle, minAge, proxied, transport, listener";

    private static readonly (string, ConnectionStage)[] s_stages =
        [.. Enum.GetValues<ConnectionStage>().Select(static stage => (stage.ToName(), stage))];

    private static readonly (string, ConnectionTransport)[] s_transports =
        [.. Enum.GetValues<ConnectionTransport>().Select(static transport => (transport.ToName(), transport))];
    private static readonly (string, bool)[] s_booleans = [("true", true), ("false", false)];

    public bool IsEmpty => this == new ConnectionFilter(null, null, null, null, null, null, null);

    /// <summary>A filter alone, as <c>DELETE /connections</c> takes it: at least one filter, nothing else.</summary>
    public static bool TryParse(
        IEnumerable<KeyValuePair<string, StringValues>> query,
        out ConnectionFilter filter,
        out Dictionary<string, string[]> errors)
    {
        var reader = new QueryReader(query);
        filter = Read(reader);
        reader.ReportUnknown(Parameters);
        if (reader.Errors.Count == 0 && filter.IsEmpty)
        {
            reader.Error("filter", $"Give at least one of {Parameters}: closing every connection takes a drain, not this.");
        }

        errors = reader.Errors;
        return errors.Count == 0;
    }

    public static ConnectionFilter Read(QueryReader reader) => new(
        ReadNetwork(reader),
        reader.Choice("state", s_stages),
        reader.Seconds("minIdle"),
        reader.Seconds("minAge"),
        reader.Choice("proxied", s_booleans),
        reader.Choice("transport", s_transports),
        reader.Single("listener"));

    public bool Matches(EchoSession session, long now, TimeProvider timeProvider)
    {
        if (Network is { } network && !(session.RemoteEndPoint is { } remote && network.Contains(remote.Address)))
        {
            return false;
        }

        return (Stage is null || session.Stage == Stage)
            && (MinIdle is null || timeProvider.GetElapsedTime(session.LastActivityTimestamp, now) >= MinIdle)
            && (MinAge is null || timeProvider.GetElapsedTime(session.StartTimestamp, now) >= MinAge)
            && (Proxied is null || (session.ProxyEndPoint is not null) == Proxied)
            && (Transport is null || session.Transport == Transport)
            && (Listener is null || string.Equals(session.Listener.Name, Listener, StringComparison.OrdinalIgnoreCase));
    }

    public static IPNetwork? ReadNetwork(QueryReader reader)
    {
        if (reader.Single("ip") is not { } value)
        {
            return null;
        }

        if (!value.Contains('/') && IPAddress.TryParse(value, out var address))
        {
            var client = address.Unmapped();
            return new IPNetwork(client, client.GetAddressBytes().Length * 8);
        }

        if (IPNetwork.TryParse(value, out var network))
        {
            // Clients are shown, and compared, in their plain IPv4 form.
            return network.BaseAddress.IsIPv4MappedToIPv6 && network.PrefixLength >= 96
                ? new IPNetwork(network.BaseAddress.MapToIPv4(), network.PrefixLength - 96)
                : network;
        }

        reader.Error("ip", $"'ip' must be an address (10.1.2.3, 2001:db8::1) or a network in CIDR notation (10.0.0.0/8, 2001:db8::/32); got '{value}'.");
        return null;
    }
}
