using KestrelEcho.Admin;
using KestrelEcho.Echo;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KestrelEcho.Ops;

internal static class ConnectionsEndpoints
{
    /// <summary>Enough to see a busy server at a glance without a multi-megabyte answer at 18,000 clients.</summary>
    public const int DefaultLimit = 1000;

    /// <summary>Maps <c>/connections</c> through the admin group: it lists client addresses.</summary>
    public static IEndpointRouteBuilder MapConnectionsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAdminGroup().MapGet("", ListConnections);
        return endpoints;
    }

    private static Results<Ok<ConnectionList>, ProblemHttpResult> ListConnections(
        ConnectionRegistry registry,
        TimeProvider timeProvider,
        int? limit)
    {
        var take = limit ?? DefaultLimit;
        if (take < 0)
        {
            return TypedResults.Problem(
                detail: $"'limit' must be zero or more; got {take}.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        var sessions = registry.Snapshot();
        var now = timeProvider.GetUtcNow();
        var nowTimestamp = timeProvider.GetTimestamp();
        var views = sessions
            .OrderBy(static session => session.StartTimestamp)
            .Take(take)
            .Select(session => ToView(session, now, nowTimestamp, timeProvider))
            .ToList();

        return TypedResults.Ok(new ConnectionList(sessions.Count, take, views));
    }

    private static ConnectionView ToView(EchoSession session, DateTimeOffset now, long nowTimestamp, TimeProvider timeProvider)
    {
        var idle = timeProvider.GetElapsedTime(session.LastActivityTimestamp, nowTimestamp);
        return new ConnectionView(
            session.Id,
            session.RemoteEndPoint?.Address.ToString(),
            session.RemoteEndPoint?.Port,
            session.LocalEndPoint?.ToString(),
            session.ConnectedAt,
            timeProvider.GetElapsedTime(session.StartTimestamp, nowTimestamp).TotalSeconds,
            session.BytesReceived,
            session.BytesSent,
            now - idle);
    }
}
