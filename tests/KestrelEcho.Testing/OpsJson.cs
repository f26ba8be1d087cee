using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace KestrelEcho.Testing;

public static class OpsJson
{
    /// <summary>GETs an ops endpoint that must answer 200 with JSON.</summary>
    public static async Task<JsonElement> GetJsonAsync(this HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
    }

    /// <summary>
    /// The id under which <c>/connections</c> lists <paramref name="client"/>'s live connection (found by the
    /// client's port), once it does. <paramref name="http"/> must be allowed in (the admin port, the API key).
    /// </summary>
    public static Task<string> LiveConnectionIdAsync(this HttpClient http, Socket client, CancellationToken cancellationToken) =>
        ConnectionIdAsync(http, "/connections", client, cancellationToken);

    /// <summary>As <see cref="LiveConnectionIdAsync"/>, for a connection the service has closed: from <c>/connections/recent</c>.</summary>
    public static Task<string> ClosedConnectionIdAsync(this HttpClient http, Socket client, CancellationToken cancellationToken) =>
        ConnectionIdAsync(http, "/connections/recent", client, cancellationToken);

    /// <summary>As <see cref="LiveConnectionIdAsync"/>, for a connection closed before the echo: from <c>/connections/recent?kind=refused</c>.</summary>
    public static Task<string> RefusedConnectionIdAsync(this HttpClient http, Socket client, CancellationToken cancellationToken) =>
        ConnectionIdAsync(http, "/connections/recent?kind=refused", client, cancellationToken);

    private static async Task<string> ConnectionIdAsync(HttpClient http, string path, Socket client, CancellationToken cancellationToken)
    {
        var port = ((IPEndPoint)client.LocalEndPoint!).Port;
        string? id = null;
        await Poll.UntilAsync(
            async () =>
            {
                var listed = await http.GetJsonAsync(path, cancellationToken);
                id = listed.GetProperty("connections").EnumerateArray()
                    .Where(connection => connection.GetProperty("remotePort").GetInt32() == port)
                    .Select(static connection => connection.GetProperty("id").GetString())
                    .FirstOrDefault();
                return id is not null;
            },
            TimeSpan.FromSeconds(10),
            $"the client from port {port} in {path}");
        return id!;
    }
}
