using System.Text.Json;
using KestrelEcho.Testing;

namespace KestrelEcho.Client.Tests.Infrastructure;

/// <summary>What the service says of its connections, asked the way an operator asks: through its HTTP API.</summary>
public static class ServiceConnections
{
    /// <summary>The remote address of every live echo connection, as <c>/connections</c> lists them.</summary>
    public static async Task<string[]> LiveRemoteAddressesAsync(this EchoAppFactory app) =>
        [.. (await app.GetConnectionsAsync("/connections?limit=100000")).Select(static connection => connection.GetProperty("remoteAddress").GetString()!)];

    /// <summary>
    /// The echo connections the service has closed (its <c>/connections/recent</c>) that it accepted at or after
    /// <paramref name="since"/>, from one of <paramref name="addresses"/>: what it saw of a run, asked after the run
    /// rather than raced during it.
    /// </summary>
    public static async Task<JsonElement[]> ClosedConnectionsAsync(this EchoAppFactory app, DateTimeOffset since, string[] addresses) =>
    [
        .. (await app.GetConnectionsAsync("/connections/recent?limit=1000"))
            .Where(connection => connection.GetProperty("connectedAt").GetDateTimeOffset() >= since
                && addresses.Contains(connection.GetProperty("remoteAddress").GetString())),
    ];

    private static async Task<IEnumerable<JsonElement>> GetConnectionsAsync(this EchoAppFactory app, string path)
    {
        using var http = app.CreateIndependentClient();
        return (await http.GetJsonAsync(path, TestContext.Current.CancellationToken)).GetProperty("connections").EnumerateArray();
    }
}
