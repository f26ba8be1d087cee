using System.Net;
using System.Security.Cryptography;
using System.Text;
using KestrelEcho.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace KestrelEcho.Admin;

/// <summary>
/// Decides who may use the admin endpoints: with <c>Admin:ApiKey</c> set, whoever presents it as a bearer
/// token, whatever their address or Host header; without, loopback callers only (unless <c>Admin:AllowRemote</c>),
/// and only under a Host header that names loopback or an <c>Admin:AllowedHosts</c> entry. Pure, so it is
/// testable without sockets.
/// </summary>
internal sealed class AdminAccessRule
{
    private const string BearerPrefix = "Bearer ";
    private const string Localhost = "localhost";

    private readonly byte[]? _keyHash;
    private readonly bool _allowRemote;
    private readonly HashSet<string> _allowedHosts;

    public AdminAccessRule(IOptions<AdminOptions> options)
    {
        var admin = options.Value;
        _keyHash = string.IsNullOrEmpty(admin.ApiKey) ? null : Hash(admin.ApiKey);
        _allowRemote = admin.AllowRemote;
        _allowedHosts = admin.AllowedHosts.Select(AdminHost.Normalize).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <param name="peerAddress">The TCP peer's address, never one a header claims.</param>
    /// <param name="host">The Host header; absent from an HTTP/1.0 request that sent none.</param>
    /// <param name="authorization">The Authorization header(s).</param>
    public AdminAccess Decide(IPAddress? peerAddress, HostString host, StringValues authorization)
    {
        if (_keyHash is not null)
        {
            return TryGetBearerToken(authorization, out var token) && CryptographicOperations.FixedTimeEquals(Hash(token), _keyHash)
                ? AdminAccess.Allowed
                : AdminAccess.Unauthorized;
        }

        return DecideNetwork(peerAddress, host);
    }

    /// <summary>
    /// For a page shell that holds no data (the dashboard's HTML, scripts and styles), which must load before it can
    /// ask for the key: with a key set, the API answers whoever presents it from anywhere, so the shell is served to
    /// anyone; without one, the same loopback and Host rule as the API.
    /// </summary>
    public AdminAccess DecideShell(IPAddress? peerAddress, HostString host) =>
        _keyHash is not null ? AdminAccess.Allowed : DecideNetwork(peerAddress, host);

    private AdminAccess DecideNetwork(IPAddress? peerAddress, HostString host)
    {
        if (!_allowRemote && !IsLoopback(peerAddress))
        {
            return AdminAccess.Forbidden;
        }

        return IsAllowedHost(host) ? AdminAccess.Allowed : AdminAccess.HostNotAllowed;
    }

    /// <summary>
    /// DNS rebinding is a browser's doing, and a browser always sends the name it resolved: so a request without a
    /// Host header (HTTP/1.0 from a script on the machine; HTTP/1.1 and 2 cannot omit it) is not one. Written-out
    /// loopback addresses cannot be rebound: a page that used one was served from it.
    /// </summary>
    private bool IsAllowedHost(HostString host)
    {
        if (!host.HasValue)
        {
            return true;
        }

        var name = AdminHost.Normalize(host.Host);
        return string.Equals(name, Localhost, StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(name, out var address) && IsLoopback(address))
            || _allowedHosts.Contains(name);
    }

    private static bool TryGetBearerToken(StringValues authorization, out string token)
    {
        token = "";

        // Two Authorization headers are ambiguous; refuse rather than pick one.
        if (authorization.Count != 1 || authorization[0] is not { } value
            || !value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        token = value[BearerPrefix.Length..].Trim(' ');
        return token.Length > 0;
    }

    // A dual-mode socket ("*" binds [::]) reports IPv4 clients as ::ffff:127.0.0.1.
    private static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address.Unmapped());

    /// <summary>
    /// Comparing fixed-length hashes in constant time tells a caller neither how much of the key it got right
    /// nor how long the key is.
    /// </summary>
    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));
}
