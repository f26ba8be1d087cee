using System.Net.Security;
using System.Security.Cryptography;
using KestrelEcho.Testing;
using KestrelEcho.Tls;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace KestrelEcho.Tests.Tls;

/// <summary>
/// The certificate store on a clock the test moves: which file changes it serves, when, and what it logs. The TLS
/// endpoint using it is in <see cref="TlsCertificateReloadTests"/>.
/// </summary>
public sealed class EchoTlsCertificateStoreTests : IDisposable
{
    private static readonly TimeSpan s_check = EchoTlsCertificateStore.CheckInterval;

    private readonly FakeTimeProvider _time = new();
    private readonly CapturedLogs _logs = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly TestCertificate _served = TestCertificate.Create();
    private readonly TestCertificate _renewed = TestCertificate.Create();

    public EchoTlsCertificateStoreTests() =>
        _loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));

    [Fact]
    public void RenewedFiles_AreServedOnceUnchangedForOneCheck_AndLoggedOnce()
    {
        using var store = Start(_served.CertificatePemPath, _served.KeyPemPath);

        File.Copy(_renewed.CertificatePemPath, _served.CertificatePemPath, overwrite: true);
        File.Copy(_renewed.KeyPemPath, _served.KeyPemPath, overwrite: true);
        _time.Advance(s_check);
        var whileSettling = Thumbprint(store.Current);
        _time.Advance(s_check);
        var settled = Thumbprint(store.Current);
        _time.Advance(s_check * 5);

        Assert.Equal(Thumbprint(_served), whileSettling);
        Assert.Equal(Thumbprint(_renewed), settled);
        var line = Assert.Single(_logs.WithEvent("TlsCertificateReloaded"));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal(
            $"TLS certificate reloaded from {_served.CertificatePemPath}: CN=localhost, SHA-256 thumbprint {Thumbprint(_renewed)}, " +
            $"valid until {_renewed.Certificate.NotAfter.ToUniversalTime():u}",
            line.Message);
        Assert.Empty(_logs.AtOrAbove(LogLevel.Warning));
    }

    [Fact]
    public void CertificateWrittenAChecksWorthBeforeItsKey_IsLoadedWithIt_WithoutAnError()
    {
        using var store = Start(_served.CertificatePemPath, _served.KeyPemPath);

        File.Copy(_renewed.CertificatePemPath, _served.CertificatePemPath, overwrite: true);
        _time.Advance(s_check);
        File.Copy(_renewed.KeyPemPath, _served.KeyPemPath, overwrite: true);
        _time.Advance(s_check * 2);

        Assert.Equal(Thumbprint(_renewed), Thumbprint(store.Current));
        Assert.Empty(_logs.AtOrAbove(LogLevel.Warning));
    }

    [Fact]
    public void UnusableNewKey_IsLoggedOnceAsOneLineNamingTheSetting_AndTheServedCertificateStays_UntilFixed()
    {
        using var store = Start(_served.CertificatePemPath, _served.KeyPemPath);

        File.Copy(_renewed.KeyPemPath, _served.KeyPemPath, overwrite: true);
        _time.Advance(s_check * 10);
        var whileBroken = Thumbprint(store.Current);
        File.Copy(_renewed.CertificatePemPath, _served.CertificatePemPath, overwrite: true);
        _time.Advance(s_check * 2);

        Assert.Equal(Thumbprint(_served), whileBroken);
        Assert.Equal(Thumbprint(_renewed), Thumbprint(store.Current));
        var error = Assert.Single(_logs.AtOrAbove(LogLevel.Warning));
        Assert.Equal("TlsCertificateReloadFailed", error.EventName);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Null(error.Exception);
        Assert.Equal(
            $"TLS certificate not reloaded, still serving SHA-256 thumbprint {Thumbprint(_served)} valid until " +
            $"{_served.Certificate.NotAfter.ToUniversalTime():u}: EchoTls:KeyPath '{_served.KeyPemPath}' holds no private key matching " +
            "the certificate (an encrypted key also needs EchoTls:CertificatePassword).",
            error.Message);
        Assert.Single(_logs.WithEvent("TlsCertificateReloaded"));
    }

    /// <summary>
    /// How the kubelet updates a mounted secret: the files are symlinks through <c>..data</c>, itself a symlink to a
    /// timestamped directory; the new version goes into a new directory and <c>..data</c> is swapped by rename.
    /// </summary>
    [Fact]
    public async Task KubernetesSecretUpdate_ThroughTheDataSymlink_IsServed()
    {
        var mount = Directory.CreateTempSubdirectory("kestrel-echo-secret-");
        try
        {
            var data = Path.Combine(mount.FullName, "..data");
            Directory.CreateSymbolicLink(data, SecretVersion(mount, "..2026_01_01", _served));
            File.CreateSymbolicLink(Path.Combine(mount.FullName, "tls.crt"), "..data/tls.crt");
            File.CreateSymbolicLink(Path.Combine(mount.FullName, "tls.key"), "..data/tls.key");
            using var store = Start(Path.Combine(mount.FullName, "tls.crt"), Path.Combine(mount.FullName, "tls.key"));

            var swap = Path.Combine(mount.FullName, "..data_tmp");
            Directory.CreateSymbolicLink(swap, SecretVersion(mount, "..2026_02_01", _renewed));

            // rename(2), as the kubelet does: File.Move will not move a symlink to a directory, and Directory.Move will not replace one.
            var renamed = await ChildProcess.RunAsync("mv", ["--no-target-directory", swap, data]);
            Assert.True(renamed.ExitCode == 0, renamed.ToString());
            Directory.Delete(Path.Combine(mount.FullName, "..2026_01_01"), recursive: true);
            _time.Advance(s_check * 2);

            Assert.Equal(Thumbprint(_renewed), Thumbprint(store.Current));
            Assert.Empty(_logs.AtOrAbove(LogLevel.Warning));
        }
        finally
        {
            mount.Delete(recursive: true);
        }
    }

    public void Dispose()
    {
        _loggerFactory.Dispose();
        _served.Dispose();
        _renewed.Dispose();
    }

    private static string SecretVersion(DirectoryInfo mount, string name, TestCertificate certificate)
    {
        var version = mount.CreateSubdirectory(name);
        File.Copy(certificate.CertificatePemPath, Path.Combine(version.FullName, "tls.crt"));
        File.Copy(certificate.KeyPemPath, Path.Combine(version.FullName, "tls.key"));
        return name;
    }

    private static string Thumbprint(TestCertificate certificate) => certificate.Certificate.GetCertHashString(HashAlgorithmName.SHA256);

    private static string Thumbprint(SslStreamCertificateContext context) => context.TargetCertificate.GetCertHashString(HashAlgorithmName.SHA256);

    private EchoTlsCertificateStore Start(string certificatePath, string keyPath) =>
        new(
            Options.Create(new EchoTlsOptions { Enabled = true, CertificatePath = certificatePath, KeyPath = keyPath }),
            _time,
            _loggerFactory.CreateLogger<EchoTlsCertificateStore>());
}
