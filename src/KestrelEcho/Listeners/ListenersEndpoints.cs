using System.Text.Json;
using KestrelEcho.Admin;
using KestrelEcho.Connections;
using KestrelEcho.Net;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KestrelEcho.Listeners;

internal static class ListenersEndpoints
{
    public const string PathPrefix = "/listeners";

    /// <summary>Maps <c>/listeners</c> under the admin access rule: it changes how the service treats clients.</summary>
    public static IEndpointRouteBuilder MapListenersEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var listeners = endpoints.MapAdminGroup(PathPrefix);
        listeners.MapGet("", List);
        listeners.MapPut("/{name}", ChangeAsync);
        return endpoints;
    }

    private static Ok<ListenerList> List(ListenerCatalog catalog, ConnectionRegistry registry, ListenEndpoints endpoints)
    {
        var live = registry.Snapshot();
        return TypedResults.Ok(new ListenerList([.. catalog.All.Select(listener => View(listener, live, endpoints))]));
    }

    private static async Task<Results<Ok<ListenerView>, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        string name,
        HttpRequest request,
        ListenerCatalog catalog,
        ConnectionRegistry registry,
        ListenEndpoints endpoints)
    {
        if (catalog.Find(name) is not { } listener)
        {
            return TypedResults.Problem(
                title: "No such listener",
                detail: $"No listener is named '{name}'; GET {PathPrefix} lists them.",
                statusCode: StatusCodes.Status404NotFound);
        }

        if (listener.BuiltIn)
        {
            return TypedResults.Problem(
                title: "Built-in listener",
                detail: $"'{listener.Name}' is a built-in echo endpoint and stays an exact echo: impair a named listener (Listeners:<name>) instead.",
                statusCode: StatusCodes.Status409Conflict);
        }

        ImpairmentsView? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(request.Body, ListenersJsonContext.Default.ImpairmentsView, request.HttpContext.RequestAborted);
        }
        catch (JsonException exception)
        {
            var field = exception.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
            return Invalid(field, $"'{field}' is not valid: delay and jitter are time spans such as \"00:00:00.200\", the rest numbers. {exception.Message}");
        }

        if (body is null)
        {
            return Invalid("body", "The body must be a JSON object of impairments, such as {\"delay\":\"00:00:00.200\"}.");
        }

        var impairments = body.ToImpairments();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        impairments.Validate(listener.Mode, (field, message) =>
        {
            var member = JsonNamingPolicy.CamelCase.ConvertName(field);
            errors[member] = [.. errors.GetValueOrDefault(member) ?? [], $"'{member}' {message}"];
        });
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(
                errors,
                detail: string.Join(" ", errors.Values.SelectMany(static messages => messages)),
                title: $"Invalid impairments: {string.Join(", ", errors.Keys)}");
        }

        listener.Impairments = impairments;
        return TypedResults.Ok(View(listener, registry.Snapshot(), endpoints));
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [message] },
            detail: message,
            title: $"Invalid impairments: {field}");

    private static ListenerView View(Listener listener, List<EchoSession> live, ListenEndpoints endpoints)
    {
        var identity = listener.Identity;
        var closed = identity.ClosedTotals;
        var byReason = new Dictionary<string, long>(StringComparer.Ordinal);
        long closedCount = 0;
        foreach (var reason in Enum.GetValues<CloseReason>())
        {
            if (closed.Of(reason) is var count and > 0)
            {
                byReason[reason.ToName()] = count;
                closedCount += count;
            }
        }

        long active = 0;
        var bytesReceived = closed.BytesReceived;
        var bytesSent = closed.BytesSent;
        foreach (var session in live)
        {
            if (session.Listener == identity)
            {
                active++;
                bytesReceived += session.BytesReceived;
                bytesSent += session.BytesSent;
            }
        }

        var port = identity == ConnectionListener.Echo ? endpoints.EchoEndPoint?.Port
            : identity == ConnectionListener.EchoTls ? endpoints.EchoTlsEndPoint?.Port
            : endpoints.ListenerEndPoint(listener.Name)?.Port;
        return new ListenerView(
            listener.Name,
            listener.Address,
            port,
            listener.Mode.ToString(),
            listener.Tls,
            listener.BuiltIn,
            ImpairmentsView.Of(listener.Impairments),
            new ListenerCountersView(active, identity.Opened, closedCount, closed.Refused, bytesReceived, bytesSent, byReason));
    }
}
