using System.Net;
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
        var remoteAddress = http.Connection.RemoteIpAddress;
        switch (rule.Decide(remoteAddress, http.Request.Headers.Authorization))
        {
            case AdminAccess.Allowed:
                return next(context);

            case AdminAccess.Unauthorized:
                LogUnauthorized(logger, http.Request.Path, Display(remoteAddress));
                http.Response.Headers.WWWAuthenticate = BearerChallenge;
                return Deny(
                    StatusCodes.Status401Unauthorized,
                    "API key required",
                    $"Send the key set in {AdminOptions.SectionName}:ApiKey as '{HeaderNames.Authorization}: Bearer <key>'.");

            default:
                LogForbidden(logger, http.Request.Path, Display(remoteAddress));
                return Deny(
                    StatusCodes.Status403Forbidden,
                    "Admin endpoints answer loopback callers only",
                    $"This endpoint shows client addresses, so without an API key only loopback callers may use it. Set "
                    + $"{AdminOptions.SectionName}:ApiKey and send it as '{HeaderNames.Authorization}: Bearer <key>', or set "
                    + $"{AdminOptions.SectionName}:AllowRemote to true if something in front already restricts access.");
        }
    }

    /// <summary>As the echo log and <c>/connections</c> show it: 127.0.0.1, not ::ffff:127.0.0.1.</summary>
    private static string? Display(IPAddress? address) =>
        (address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address)?.ToString();

    private static ValueTask<object?> Deny(int status, string title, string detail) =>
        ValueTask.FromResult<object?>(TypedResults.Problem(detail: detail, statusCode: status, title: title));

    [LoggerMessage(1, LogLevel.Information, "Admin request {Path} from {RemoteAddress} refused: no valid API key", EventName = "AdminUnauthorized")]
    private static partial void LogUnauthorized(ILogger logger, string path, string? remoteAddress);

    [LoggerMessage(2, LogLevel.Information, "Admin request {Path} from {RemoteAddress} refused: not loopback and Admin:AllowRemote is off", EventName = "AdminForbidden")]
    private static partial void LogForbidden(ILogger logger, string path, string? remoteAddress);
}
