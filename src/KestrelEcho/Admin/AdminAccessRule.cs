using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace KestrelEcho.Admin;

/// <summary>
/// Decides who may use the admin endpoints: with <c>Admin:ApiKey</c> set, whoever presents it as a bearer
/// token; without, loopback callers only, unless <c>Admin:AllowRemote</c>. Pure, so it is testable without
/// sockets.
/// </summary>
internal sealed class AdminAccessRule
{
    private const string BearerPrefix = "Bearer ";

    private readonly byte[]? _keyHash;
    private readonly bool _allowRemote;

    public AdminAccessRule(IOptions<AdminOptions> options)
    {
        var admin = options.Value;
        _keyHash = string.IsNullOrEmpty(admin.ApiKey) ? null : Hash(admin.ApiKey);
        _allowRemote = admin.AllowRemote;
    }

    public AdminAccess Decide(IPAddress? remoteAddress, StringValues authorization)
    {
        if (_keyHash is not null)
        {
            return TryGetBearerToken(authorization, out var token) && CryptographicOperations.FixedTimeEquals(Hash(token), _keyHash)
                ? AdminAccess.Allowed
                : AdminAccess.Unauthorized;
        }

        return _allowRemote || IsLoopback(remoteAddress) ? AdminAccess.Allowed : AdminAccess.Forbidden;
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

    private static bool IsLoopback(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        // A dual-mode socket ("*" binds [::]) reports IPv4 clients as ::ffff:127.0.0.1.
        return IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
    }

    /// <summary>
    /// Comparing fixed-length hashes in constant time tells a caller neither how much of the key it got right
    /// nor how long the key is.
    /// </summary>
    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));
}
