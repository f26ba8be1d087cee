using System.Globalization;
using System.Text;
using KestrelEcho.Client.Tests.Infrastructure;
using KestrelEcho.Testing;

namespace KestrelEcho.Client.Tests.Chat;

public sealed class ChatCommandTests(TlsEchoAppFactory app) : EchoAppTest<TlsEchoAppFactory>(app)
{
    [Fact]
    public async Task TwoLines_EchoedLineByLine_Exits0AtEndOfInput()
    {
        var run = await ClientRun.InvokeAsync(
            ["chat", "--host", "127.0.0.1", "--port", App.EchoEndPoint.Port.ToString(CultureInfo.InvariantCulture)],
            Encoding.UTF8.GetBytes("Hola mundo\nñandú\n"));

        run.AssertExitCode(0);
        Assert.Equal("Hola mundo\nñandú\n", run.Out);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"kestrel-echo: connected to {App.EchoEndPoint} from 127.0.0.1:", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverTls_EchoedLineByLine_Exits0()
    {
        var run = await ClientRun.InvokeAsync(
            ["chat", "--host", "localhost", "--port", App.EchoTlsEndPoint.Port.ToString(CultureInfo.InvariantCulture), "--tls-trust", App.Certificate.CertificatePemPath],
            Encoding.UTF8.GetBytes("uno\ndos\n"));

        run.AssertExitCode(0);
        Assert.Equal("uno\ndos\n", run.Out);
    }

    [Fact]
    public async Task FlippedByte_Exits1WithMismatchAtThatByte()
    {
        await using var broken = BrokenEchoServer.FlippingByte(5);

        var run = await ClientRun.InvokeAsync(["chat", "--host", "127.0.0.1", "--port", broken.Port.ToString(CultureInfo.InvariantCulture)], "uno\ndos\n"u8.ToArray());

        run.AssertExitCode(1);
        Assert.Equal("kestrel-echo: mismatch at byte 5 (sent 0x6f, got 0x90)", run.ErrorLines[^1]);
    }
}
