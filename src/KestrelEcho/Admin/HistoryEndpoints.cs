using KestrelEcho.History;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Data.Sqlite;
using Microsoft.Net.Http.Headers;

namespace KestrelEcho.Admin;

/// <summary><c>/connections/history</c> and its summary: the closed connections kept in the history database.</summary>
internal static class HistoryEndpoints
{
    private const string CsvMediaType = "text/csv";

    /// <summary>Through the admin group, like <c>/connections</c>: the history lists client addresses too.</summary>
    public static IEndpointRouteBuilder MapHistoryEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var history = endpoints.MapAdminGroup();
        history.MapGet("/history", ListAsync);
        history.MapGet("/history/summary", SummarizeAsync);
        return endpoints;
    }

    private static async Task<IResult> ListAsync(HttpContext context, HistoryDatabase database, HistoryReader reader)
    {
        if (!database.Enabled)
        {
            return Disabled();
        }

        var request = context.Request;
        var acceptsCsv = request.GetTypedHeaders().Accept.Any(static accept => accept.MediaType.Equals(CsvMediaType, StringComparison.OrdinalIgnoreCase));
        if (!HistoryRequest.TryParse(request.Query, acceptsCsv, out var parsed, out var errors))
        {
            return BadQuery(errors);
        }

        var cancellationToken = context.RequestAborted;
        try
        {
            if (!parsed.Csv)
            {
                var (records, next) = await reader.PageAsync(parsed.Query, parsed.Limit ?? HistoryRequest.DefaultLimit, cancellationToken);
                return TypedResults.Ok(new HistoryPage([.. records.Select(View)], next?.Encode()));
            }

            await using var rows = reader.ReadAsync(parsed.Query, parsed.Limit, cancellationToken).GetAsyncEnumerator(cancellationToken);
            var first = await rows.MoveNextAsync() ? rows.Current : null;
            await HistoryCsv.WriteAsync(context.Response, first, rows, cancellationToken);
            return TypedResults.Empty;
        }
        catch (Exception exception) when (IsUnusable(exception) && !context.Response.HasStarted)
        {
            return Unavailable(database, exception);
        }
    }

    private static async Task<Results<Ok<HistorySummary>, ValidationProblem, ProblemHttpResult>> SummarizeAsync(
        HttpContext context,
        HistoryDatabase database,
        HistoryReader reader,
        TimeProvider timeProvider)
    {
        if (!database.Enabled)
        {
            return Disabled();
        }

        if (!HistorySummaryRequest.TryParse(context.Request.Query, timeProvider.GetUtcNow(), out var parsed, out var errors))
        {
            return BadQuery(errors);
        }

        try
        {
            return TypedResults.Ok(await reader.SummarizeAsync(parsed.Since, parsed.Until, parsed.Bucket, context.RequestAborted));
        }
        catch (Exception exception) when (IsUnusable(exception))
        {
            return Unavailable(database, exception);
        }
    }

    private static HistoryConnectionView View(HistoryRecord record) => new(
        record.Id,
        record.Stage,
        record.Transport,
        record.RemoteAddress?.ToString(),
        record.RemotePort,
        record.LocalEndPoint,
        record.Proxy,
        record.ConnectedAt,
        record.ClosedAt,
        record.DurationSeconds,
        record.BytesReceived,
        record.BytesSent,
        record.CloseReason,
        record.Refused);

    private static bool IsUnusable(Exception exception) => exception is SqliteException or IOException or UnauthorizedAccessException;

    private static ProblemHttpResult Disabled() =>
        TypedResults.Problem(
            title: "The connection history is off",
            detail: "History:Enabled is false: closed connections are not recorded. /connections/recent shows the last ones.",
            statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult Unavailable(HistoryDatabase database, Exception exception) =>
        TypedResults.Problem(
            title: "The connection history cannot be read",
            detail: $"{database.Path}: {exception.Message} (/health says whether it is being written).",
            statusCode: StatusCodes.Status503ServiceUnavailable);

    private static ValidationProblem BadQuery(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(
            errors,
            detail: string.Join(" ", errors.Values.SelectMany(static messages => messages)),
            title: $"Bad query parameter: {string.Join(", ", errors.Keys)}");
}
