using System.Net;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Dashboard;

/// <summary>With <c>Admin:Port</c> set, the page lives on the management port only, as the API it shows.</summary>
public sealed class DashboardAdminPortTests() : ConfiguredAppTest(("Admin:Port", "0"))
{
    [Theory]
    [InlineData("/")]
    [InlineData("/dashboard/dashboard.js")]
    [InlineData("/dashboard/config")]
    [InlineData("/connections/events")]
    public async Task Page_OnTheHttpPort_Is404(string path)
    {
        using var http = App.CreateClient();

        using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Page_OnTheAdminPort_Is200_AndItsConfigNamesTheHttpPort()
    {
        using var admin = App.CreateAdminClient();

        using var page = await admin.GetAsync("/", TestContext.Current.CancellationToken);
        var config = await admin.GetJsonAsync("/dashboard/config", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(App.HttpEndPoint.Port, config.GetProperty("httpPort").GetInt32());
    }

    [Fact]
    public async Task OtherPaths_OnTheHttpPort_AreNotTakenByThePage()
    {
        using var http = App.CreateClient();

        using var response = await http.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
