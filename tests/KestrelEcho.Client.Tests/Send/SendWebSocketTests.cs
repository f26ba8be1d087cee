using System.Globalization;
using KestrelEcho.Client.Tests.Infrastructure;
using KestrelEcho.Connections;
using KestrelEcho.Testing;

namespace KestrelEcho.Client.Tests.Send;

/// <summary><c>send --ws</c> against the real service's WebSocket echo on its HTTP port.</summary>
public sealed class SendWebSocketTests(EchoAppFactory app) : EchoAppTest<EchoAppFactory>(app)
{
    private string HttpPort => App.HttpEndPoint.Port.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task HolaMundo_ExactEcho_Exits0AndPrintsTheExchange()
    {
        var run = await ClientRun.InvokeAsync("send", "--ws", "--host", "127.0.0.1", "--port", HttpPort);

        run.AssertExitCode(0);
        Assert.Equal(string.Empty, run.Error);
        Assert.Contains($"websocket:  ws://127.0.0.1:{HttpPort}/ws/echo (HTTP 101)", run.Out, StringComparison.Ordinal);
        Assert.Contains("sent:       10 bytes \"Hola mundo\" as one text message", run.Out, StringComparison.Ordinal);
        Assert.Contains("received:   10 bytes \"Hola mundo\" as one text message", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"round trip: \d+\.\d{3} ms", run.Out);
        Assert.Contains("close:      NormalClosure answered", run.Out, StringComparison.Ordinal);
        var session = await App.ClosedWebSocketSessionAsync();
        Assert.Equal("client_closed", session.CloseReason!.Value.ToName());
        Assert.Equal(10, session.BytesReceived);
    }

    [Fact]
    public async Task RandomBinaryFile_IsOneBinaryMessage_EchoedExactly()
    {
        var bytes = Payload.Random(3 * 1024 * 1024, seed: 12);
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);

            var run = await ClientRun.InvokeAsync("send", "--ws", "--file", path, "--host", "127.0.0.1", "--port", HttpPort);

            run.AssertExitCode(0);
            Assert.Contains("received:   3145728 bytes (binary)", run.Out, StringComparison.Ordinal);
            Assert.Contains("as one binary message", run.Out, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task WrongPath_Exits2_NamingTheRefusal()
    {
        var run = await ClientRun.InvokeAsync("send", "--ws-path", "/nope", "--host", "127.0.0.1", "--port", HttpPort);

        run.AssertExitCode(2);
        Assert.Equal(string.Empty, run.Out);
        Assert.Equal($"kestrel-echo: WebSocket upgrade to ws://127.0.0.1:{HttpPort}/nope refused: 404 NotFound", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task WithTls_IsRefusedAsBadUsage()
    {
        var run = await ClientRun.InvokeAsync("send", "--ws", "--tls", "--host", "127.0.0.1", "--port", HttpPort);

        run.AssertExitCode(1);
        Assert.Contains("--ws speaks plain ws://", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }
}
