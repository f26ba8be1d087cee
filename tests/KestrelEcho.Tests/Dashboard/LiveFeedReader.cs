using System.Net;
using System.Text.Json;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Dashboard;

/// <summary>A client of <c>GET /connections/events</c>: reads its server-sent events one tick at a time.</summary>
internal sealed class LiveFeedReader : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private LiveFeedReader(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body);
    }

    public static async Task<LiveFeedReader> OpenAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new LiveFeedReader(response, await response.Content.ReadAsStreamAsync(cancellationToken));
    }

    /// <summary>The next tick's data, or null when the server ended the stream.</summary>
    public async Task<JsonElement?> NextTickAsync(CancellationToken cancellationToken)
    {
        string? type = null;
        string? data = null;
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (type == "tick" && data is not null)
                {
                    return JsonSerializer.Deserialize<JsonElement>(data);
                }

                (type, data) = (null, null);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line["data: ".Length..];
            }
        }

        return null;
    }

    /// <summary>Reads ticks until one satisfies <paramref name="condition"/>; fails after <paramref name="timeout"/>, showing the last.</summary>
    public async Task<JsonElement> TickWhereAsync(Func<JsonElement, bool> condition, TimeSpan timeout, string what)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        JsonElement? last = null;
        try
        {
            while (await NextTickAsync(deadline.Token) is { } tick)
            {
                if (condition(tick))
                {
                    return tick;
                }

                last = tick;
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
        }

        Assert.Fail($"No tick within {timeout.TotalSeconds:0.#} s where {what}; the last: {last}");
        return default;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}
