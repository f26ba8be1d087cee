using System.Globalization;
using KestrelEcho.Client.Tests.Infrastructure;
using KestrelEcho.Testing;

namespace KestrelEcho.Client.Tests.Send;

/// <summary><c>send --ws</c> against a service that does not echo everything: only an exact echo is a success.</summary>
public sealed class SendWebSocketShortEchoTests() : ConfiguredAppTest(("Echo:MaxBytesPerConnection", "4"))
{
    [Fact]
    public async Task ShortEcho_Exits1_NamingTheServicesClose()
    {
        var port = App.HttpEndPoint.Port.ToString(CultureInfo.InvariantCulture);

        var run = await ClientRun.InvokeAsync("send", "--ws", "--host", "127.0.0.1", "--port", port);

        run.AssertExitCode(1);
        Assert.Contains("received:   4 bytes \"Hola\"", run.Out, StringComparison.Ordinal);
        Assert.Equal("kestrel-echo: the service closed (PolicyViolation byte_limit) after 4 of 10 bytes", Assert.Single(run.ErrorLines));
    }
}
