using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using KestrelEcho.Testing;
using KestrelEcho.Tls;
using Microsoft.Extensions.Logging;

namespace KestrelEcho.Tests.Tls;

/// <summary>
/// The TLS echo endpoint while its certificate files are replaced under it: new handshakes get the new certificate,
/// open connections go on, and an unusable file changes nothing but the log. The store's own rules (when a change is
/// loaded, what is logged) are in <see cref="EchoTlsCertificateStoreTests"/>.
/// </summary>
public sealed class TlsCertificateReloadTests : FreshAppTest
{
    // Two checks settle a change; the rest is room for a slow machine.
    private static readonly TimeSpan s_reloadTimeout = EchoTlsCertificateStore.CheckInterval * 2 + TimeSpan.FromSeconds(10);

    [Fact]
    public async Task FilesReplacedByRename_NewHandshakesGetTheNewCertificate_AndOpenConnectionsGoOn()
    {
        using var served = TestCertificate.Create();
        using var renewed = TestCertificate.Create();
        var app = await StartAppAsync(app => app.WithTls(served));
        using var timeout = TestTimeout.Start();
        await using var before = await app.ConnectEchoTlsAsync(served.Certificate, timeout.Token);
        await AssertEchoesAsync(before, "Hola mundo", timeout.Token);

        // As certbot and cert-manager do: each file written beside its old self, then renamed over it.
        ReplaceByRename(served.CertificatePemPath, renewed.CertificatePemPath);
        ReplaceByRename(served.KeyPemPath, renewed.KeyPemPath);
        await Poll.UntilAsync(() => app.Logs.WithEvent("TlsCertificateReloaded").Count > 0, s_reloadTimeout, "the renewed certificate to be loaded");
        await using var after = await app.ConnectEchoTlsAsync(renewed.Certificate, timeout.Token);

        await AssertEchoesAsync(after, "Hola renovado", timeout.Token);
        await AssertEchoesAsync(before, "Hola todavía", timeout.Token);
        Assert.Equal(Thumbprint(served.Certificate), Thumbprint(before.RemoteCertificate));
        Assert.Equal(2, app.Registry.Active);
    }

    [Fact]
    public async Task UnusableNewKey_IsOneErrorLine_AndNewHandshakesKeepTheServedCertificate()
    {
        using var served = TestCertificate.Create();
        var app = await StartAppAsync(app => app.WithTls(served).ExpectLog("TlsCertificateReloadFailed"));
        using var timeout = TestTimeout.Start();

        await File.WriteAllTextAsync(served.KeyPemPath, "not a key", timeout.Token);
        await Poll.UntilAsync(() => app.Logs.WithEvent("TlsCertificateReloadFailed").Count > 0, s_reloadTimeout, "the unusable key to be reported");
        await using var tls = await app.ConnectEchoTlsAsync(served.Certificate, timeout.Token);

        await AssertEchoesAsync(tls, "Hola mundo", timeout.Token);
        var error = Assert.Single(app.Logs.AtOrAbove(LogLevel.Warning));
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains($"EchoTls:KeyPath '{served.KeyPemPath}' holds no private key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    private static void ReplaceByRename(string path, string newContents)
    {
        var written = $"{path}.new";
        File.Copy(newContents, written);
        File.Move(written, path, overwrite: true);
    }

    private static async Task AssertEchoesAsync(SslStream tls, string text, CancellationToken cancellationToken)
    {
        var sent = Encoding.UTF8.GetBytes(text);
        await tls.WriteAsync(sent, cancellationToken);
        var echoed = new byte[sent.Length];
        await tls.ReadExactlyAsync(echoed, cancellationToken);
        Assert.Equal(text, Encoding.UTF8.GetString(echoed));
    }

    private static string? Thumbprint(X509Certificate? certificate) =>
        certificate?.GetCertHashString(HashAlgorithmName.SHA256);
}
