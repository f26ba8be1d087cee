using System.Net;
using System.Net.Http.Json;
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
}
