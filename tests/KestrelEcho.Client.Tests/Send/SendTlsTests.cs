using System.Globalization;
using KestrelEcho.Client.Tests.Infrastructure;
using KestrelEcho.Testing;

namespace KestrelEcho.Client.Tests.Send;

public sealed class SendTlsTests(TlsEchoAppFactory app) : EchoAppTest<TlsEchoAppFactory>(app)
{
    private string TlsPort => App.EchoTlsEndPoint.Port.ToString(CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    public async Task TrustedCertificate_ExactEcho_Exits0AndPrintsTls(string host)
    {
        var run = await ClientRun.InvokeAsync("send", "--host", host, "--port", TlsPort, "--tls-trust", App.Certificate.CertificatePemPath);

        run.AssertExitCode(0);
        Assert.Equal(string.Empty, run.Error);
        Assert.Matches(@"tls:        Tls1[23] \w+, certificate CN=localhost\n", run.Out);
        Assert.Contains("received:   10 bytes \"Hola mundo\"", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UntrustedSelfSignedCertificate_Exits2WithOneRejectedLine()
    {
        var run = await ClientRun.InvokeAsync("send", "--tls", "--host", "127.0.0.1", "--port", TlsPort);

        run.AssertExitCode(2);
        Assert.Equal(string.Empty, run.Out);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"kestrel-echo: TLS handshake with 127.0.0.1:{TlsPort} failed: certificate CN=localhost rejected (RemoteCertificateChainErrors", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Insecure_ExactEcho_Exits0AndWarnsOnStandardError()
    {
        var run = await ClientRun.InvokeAsync("send", "--tls-insecure", "--host", "127.0.0.1", "--port", TlsPort);

        run.AssertExitCode(0);
        var line = Assert.Single(run.ErrorLines);
        Assert.Equal("kestrel-echo: --tls-insecure: the server's certificate is NOT checked", line);
        Assert.Contains("received:   10 bytes \"Hola mundo\"", run.Out, StringComparison.Ordinal);
    }
}
