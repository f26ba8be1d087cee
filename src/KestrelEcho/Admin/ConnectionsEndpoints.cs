using KestrelEcho.Connections;
using KestrelEcho.Net;
using KestrelEcho.Udp;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KestrelEcho.Admin;

internal static class ConnectionsEndpoints
{
    private const string ClosedKind = "closed";
    private const string RefusedKind = "refused";

    /// <summary>Maps <c>/connections</c> through the admin group: it lists client addresses.</summary>
    public static IEndpointRouteBuilder MapConnectionsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var connections = endpoints.MapAdminGroup();
        connections.MapGet("", ListLive);
        connections.MapGet("/recent", ListRecent);
        connections.MapGet("/{id}", GetOne);
        connections.MapDelete("", CloseMatching);
        connections.MapDelete("/{id}", CloseOne);
        connections.MapPost("/{id}/reset", ResetOne);
        return endpoints;
    }

    private static Results<Ok<ConnectionList>, Ok<UdpFlowList>, ValidationProblem> ListLive(
        HttpRequest request,
        ConnectionRegistry registry,
        ConnectionViews views,
        UdpFlowTable udpFlows,
        ListenEndpoints endpoints,
        TimeProvider timeProvider)
    {
        // UDP has flows, not connections: their own list, in the same envelope (total, matched, offset, limit).
        if (UdpFlowQuery.IsAskedFor(request.Query))
        {
            return ListUdpFlows(request, udpFlows, endpoints, timeProvider);
        }

        if (!ConnectionQuery.TryParse(request.Query, out var query, out var errors))
        {
            return BadQuery(errors);
        }

        var sessions = registry.Snapshot();
        var now = timeProvider.GetTimestamp();
        var matched = query.Apply(sessions, now, timeProvider);
        var listed = matched
            .Skip(query.Offset)
            .Take(query.Limit)
            .Select(session => views.Live(session, now))
            .ToList();

        return TypedResults.Ok(new ConnectionList(sessions.Count, matched.Count, query.Offset, query.Limit, listed));
    }

    private static Results<Ok<ConnectionList>, Ok<UdpFlowList>, ValidationProblem> ListUdpFlows(
        HttpRequest request,
        UdpFlowTable udpFlows,
        ListenEndpoints endpoints,
        TimeProvider timeProvider)
    {
        if (!UdpFlowQuery.TryParse(request.Query, out var query, out var errors))
        {
            return BadQuery(errors);
        }

        var flows = endpoints.EchoUdp is { } bound ? udpFlows.Snapshot(bound.Port) : [];
        var now = timeProvider.GetTimestamp();
        var utcNow = timeProvider.GetUtcNow();
        var matched = flows
            .Where(flow => query.Network is not { } network || network.Contains(flow.Remote.Address))
            .OrderByDescending(static flow => flow.LastSeenTimestamp)
            .ToList();
        var listed = matched
            .Skip(query.Offset)
            .Take(query.Limit)
            .Select(flow => UdpFlowView.Of(flow, now, utcNow, timeProvider))
            .ToList();
        return TypedResults.Ok(new UdpFlowList(flows.Count, matched.Count, query.Offset, query.Limit, listed));
    }

    private static Results<Ok<ClosedConnectionCount>, ValidationProblem> CloseMatching(
        HttpRequest request,
        ConnectionRegistry registry,
        TimeProvider timeProvider)
    {
        if (!ConnectionFilter.TryParse(request.Query, out var filter, out var errors))
        {
            return BadQuery(errors);
        }

        // As DELETE /connections/{id}: each connection closes as soon as its echo loop wakes. A connection already
        // closing for another reason keeps that reason and is not counted.
        var now = timeProvider.GetTimestamp();
        var closed = registry.Live()
            .Where(session => filter.Matches(session, now, timeProvider))
            .Count(static session => session.RequestClose(CloseReason.AdminClosed));
        return TypedResults.Ok(new ClosedConnectionCount(closed));
    }

    private static Results<Ok<ClosedConnectionList>, ProblemHttpResult> ListRecent(
        ConnectionRegistry registry,
        ConnectionViews views,
        int? limit,
        string? kind)
    {
        if (InvalidLimit(limit) is { } problem)
        {
            return problem;
        }

        // Two rings, so a flood of refusals cannot push the connections that were echoed out of sight.
        RecentConnections? recent = kind switch
        {
            null or ClosedKind => registry.Recent,
            RefusedKind => registry.Refused,
            _ => null,
        };
        if (recent is null)
        {
            return TypedResults.Problem(
                detail: $"'kind' must be '{ClosedKind}' (connections that were echoed, the default) or '{RefusedKind}' (closed before the echo); got '{kind}'.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        var take = limit ?? ConnectionQuery.DefaultLimit;
        var sessions = recent.Snapshot();
        var listed = sessions.Take(take).Select(views.Closed).ToList();
        return TypedResults.Ok(new ClosedConnectionList(sessions.Count, recent.Capacity, take, listed));
    }

    private static Results<Ok<ConnectionDetailView>, ProblemHttpResult> GetOne(
        string id,
        ConnectionRegistry registry,
        ConnectionViews views,
        TimeProvider timeProvider) =>
        registry.Find(id) is { } session
            ? TypedResults.Ok(views.Detail(session, timeProvider.GetTimestamp()))
            : UnknownConnection(id);

    private static Results<Accepted, ProblemHttpResult> CloseOne(string id, ConnectionRegistry registry)
    {
        if (!registry.TryGetLive(id, out var session))
        {
            return UnknownConnection(id);
        }

        // Accepted, not done: the connection closes as soon as its echo loop wakes (its FIN, or an abort if
        // the client is not reading). GET /connections/{id} then shows it with reason admin_closed.
        session.RequestClose(CloseReason.AdminClosed);
        return TypedResults.Accepted($"/connections/{id}");
    }

    private static Results<Accepted, ProblemHttpResult> ResetOne(string id, ConnectionRegistry registry)
    {
        if (!registry.TryGetLive(id, out var session))
        {
            return UnknownConnection(id);
        }

        // The RST goes at once; the connection leaves the registry as soon as its layers notice, with reason admin_reset.
        session.RequestReset(CloseReason.AdminReset);
        return TypedResults.Accepted($"/connections/{id}");
    }

    private static ProblemHttpResult? InvalidLimit(int? limit) =>
        limit < 0
            ? TypedResults.Problem(detail: $"'limit' must be zero or more; got {limit}.", statusCode: StatusCodes.Status400BadRequest)
            : null;

    /// <summary>A 400 naming every bad query parameter; the other admin endpoints that take a query answer the same.</summary>
    internal static ValidationProblem BadQuery(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(
            errors,
            detail: string.Join(" ", errors.Values.SelectMany(static messages => messages)),
            title: $"Bad query parameter: {string.Join(", ", errors.Keys)}");

    private static ProblemHttpResult UnknownConnection(string id) =>
        TypedResults.Problem(
            title: "No such connection",
            detail: $"No live or recently closed echo connection has id '{id}'.",
            statusCode: StatusCodes.Status404NotFound);
}
