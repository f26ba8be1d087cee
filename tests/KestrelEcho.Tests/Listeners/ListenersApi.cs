using System.Text.Json;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Listeners;

internal static class ListenersApi
{
    /// <summary>One listener as <c>GET /listeners</c> shows it now.</summary>
    public static async Task<JsonElement> ListenerAsync(this HttpClient http, string name, CancellationToken cancellationToken)
    {
        var listed = await http.GetJsonAsync("/listeners", cancellationToken);
        return listed.GetProperty("listeners").EnumerateArray().Single(listener => listener.GetProperty("name").GetString() == name);
    }
}
