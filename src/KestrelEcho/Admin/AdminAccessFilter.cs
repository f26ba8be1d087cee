using System.Net;
using KestrelEcho.Net;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Net.Http.Headers;

namespace KestrelEcho.Admin;

/// <summary>
/// Applies <see cref="AdminAccessRule"/> to every endpoint of the admin group. Neither the key nor the token a
/// caller presents is ever logged.
/// </summary>
internal sealed partial class AdminAccessFilter(AdminAccessRule rule, ILogger<AdminAccessFilter> logger) : IEndpointFilter
{
    private const string BearerChallenge = "Bearer";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;

        // Client addresses are personal data: no proxy or browser cache may keep these answers, refusals included.
        http.Response.Headers.CacheControl = "no-store";
        var peerAddress = PeerAddress(http);
        return Apply(context, next, peerAddress, rule.Decide(peerAddress, http.Request.Host, http.Request.Headers.Authorization));
    }

    /// <summary>
    /// For a page shell (<see cref="AdminAccessRule.DecideShell"/>): it holds no data, so what it serves may be
    /// cached (the endpoint says how); a refusal may not.
    /// </summary>
    public ValueTask<object?> InvokeForShellAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var peerAddress = PeerAddress(http);
        var access = rule.DecideShell(peerAddress, http.Request.Host);
        if (access != AdminAccess.Allowed)
        {
            http.Response.Headers.CacheControl = "no-store";
        }

        return Apply(context, next, peerAddress, access);
    }

    private ValueTask<object?> Apply(
        EndpointFilterInvocationContext context,
        EndpointFilterDelegate next,
        IPAddress? peerAddress,
        AdminAccess access)
    {
        var http = context.HttpContext;
        var host = http.Request.Host;
        switch (access)
        {
            case AdminAccess.Allowed:
                return next(context);

            case AdminAccess.Unauthorized:
                LogUnauthorized(logger, http.Request.Path, Display(peerAddress));
                http.Response.Headers.WWWAuthenticate = BearerChallenge;
                return Deny(
                    StatusCodes.Status401Unauthorized,
                    "API key required",
                    $"Send the key set in {AdminOptions.SectionName}:ApiKey as '{HeaderNames.Authorization}: Bearer <key>'.");

            case AdminAccess.HostNotAllowed:
                LogHostNotAllowed(logger, http.Request.Path, Display(peerAddress), host.Host);
                return Deny(
                    StatusCodes.Status403Forbidden,
                    "Admin endpoints answer loopback host names only",
                    $"Without an API key, the Host header must name localhost, a loopback address or an entry of "
                    + $"{AdminOptions.SectionName}:AllowedHosts, so that no web page can reach this endpoint by rebinding its "
                    + $"own name to this machine. Call it as http://localhost:<port>, list the name in "
                    + $"{AdminOptions.SectionName}:AllowedHosts, or set {AdminOptions.SectionName}:ApiKey.");

            default:
                LogForbidden(logger, http.Request.Path, Display(peerAddress));
                return Deny(
                    StatusCodes.Status403Forbidden,
                    "Admin endpoints answer loopback callers only",
                    $"This endpoint shows client addresses, so without an API key only loopback callers may use it. Set "
                    + $"{AdminOptions.SectionName}:ApiKey and send it as '{HeaderNames.Authorization}: Bearer <key>', or set "
                    + $"{AdminOptions.SectionName}:AllowRemote to true if something in front already restricts access.");
        }
    }

    /// <summary>
    /// The TCP peer, from the accepted socket itself. Not <c>HttpContext.Connection.RemoteIpAddress</c>: with
    /// ASPNETCORE_FORWARDEDHEADERS_ENABLED the host's ForwardedHeadersMiddleware rewrites that from X-Forwarded-For,
    /// sent by any peer at all, so a remote caller could claim to be 127.0.0.1. Nothing rewrites the socket's peer.
    /// Kestrel's socket transport (the only one the service runs) exposes the socket to requests; without it, or
    /// once the client is gone, the peer is unknown and the rule refuses.
    /// </summary>
    private static IPAddress? PeerAddress(HttpContext http)
    {
        try
        {
            return (http.Features.Get<IConnectionSocketFeature>()?.Socket.RemoteEndPoint as IPEndPoint)?.Address;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>As the echo log and <c>/connections</c> show it: 127.0.0.1, not ::ffff:127.0.0.1.</summary>
    private static string? Display(IPAddress? address) => address.Unmapped()?.ToString();

    private static ValueTask<object?> Deny(int status, string title, string detail) =>
        ValueTask.FromResult<object?>(TypedResults.Problem(detail: detail, statusCode: status, title: title));

    [LoggerMessage(1, LogLevel.Information, "Admin request {Path} from {RemoteAddress} refused: no valid API key", EventName = "AdminUnauthorized")]
    private static partial void LogUnauthorized(ILogger logger, string path, string? remoteAddress);

    [LoggerMessage(2, LogLevel.Information, "Admin request {Path} from {RemoteAddress} refused: not loopback and Admin:AllowRemote is off", EventName = "AdminForbidden")]
    private static partial void LogForbidden(ILogger logger, string path, string? remoteAddress);

    [LoggerMessage(3, LogLevel.Information, "Admin request {Path} from {RemoteAddress} refused: Host {Host} is neither loopback nor in Admin:AllowedHosts", EventName = "AdminHostNotAllowed")]
    private static partial void LogHostNotAllowed(ILogger logger, string path, string? remoteAddress, string host);
}
