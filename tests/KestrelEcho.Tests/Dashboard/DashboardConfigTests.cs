using System.Text.Json;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Dashboard;

/// <summary>The "try it" box goes where the WebSocket echo's settings put it, and knows when it is off.</summary>
public sealed class DashboardConfigTests : FreshAppTest
{
    [Fact]
    public async Task Config_FollowsEchoWebSocketPath()
    {
        var app = await StartAppAsync(("EchoWebSocket:Path", "/echo/socket"));
        using var http = app.CreateClient();

        var config = await http.GetJsonAsync("/dashboard/config", TestContext.Current.CancellationToken);

        Assert.Equal("/echo/socket", config.GetProperty("webSocketEchoPath").GetString());
    }

    [Fact]
    public async Task Config_NamesNoPath_WhenTheWebSocketEchoIsOff()
    {
        var app = await StartAppAsync(("EchoWebSocket:Enabled", "false"));
        using var http = app.CreateClient();

        var config = await http.GetJsonAsync("/dashboard/config", TestContext.Current.CancellationToken);

        Assert.Equal(JsonValueKind.Null, config.GetProperty("webSocketEchoPath").ValueKind);
    }
}
