using System.Text.Json;
using KestrelEcho.Testing;

namespace KestrelEcho.Client.Tests.Infrastructure;

/// <summary>What the service says of its connections, asked the way an operator asks: through its HTTP API.</summary>
public static class ServiceConnections
{
    /// <summary>The remote address of every live echo connection, as <c>/connections</c> lists them.</summary>
    public static async Task<string[]> LiveRemoteAddressesAsync(this EchoAppFactory app)
    {
        using var json = await app.GetJsonAsync("/connections?limit=100000");
        return [.. json.RootElement.GetProperty("connections").EnumerateArray().Select(connection => connection.GetProperty("remoteAddress").GetString()!)];
    }

    /// <summary>
    /// The echo connections the service has closed (its <c>/connections/recent</c>) that it accepted at or after
    /// <paramref name="since"/>, from one of <paramref name="addresses"/>: what it saw of a run, asked after the run
    /// rather than raced during it.
    /// </summary>
    public static async Task<JsonElement[]> ClosedConnectionsAsync(this EchoAppFactory app, DateTimeOffset since, string[] addresses)
    {
        using var recent = await app.RecentConnectionsAsync(1000);
        return
        [
            .. recent.RootElement.GetProperty("connections").EnumerateArray()
                .Where(connection => connection.GetProperty("connectedAt").GetDateTimeOffset() >= since
                    && addresses.Contains(connection.GetProperty("remoteAddress").GetString()))
                .Select(connection => connection.Clone()),
        ];
    }

    /// <summary>The service's <c>/connections/recent</c>: closed connections, newest first.</summary>
    public static Task<JsonDocument> RecentConnectionsAsync(this EchoAppFactory app, int limit) => app.GetJsonAsync($"/connections/recent?limit={limit}");

    private static async Task<JsonDocument> GetJsonAsync(this EchoAppFactory app, string path)
    {
        using var http = app.CreateIndependentClient();
        await using var body = await http.GetStreamAsync(path, TestContext.Current.CancellationToken);
        return await JsonDocument.ParseAsync(body, cancellationToken: TestContext.Current.CancellationToken);
    }
}
