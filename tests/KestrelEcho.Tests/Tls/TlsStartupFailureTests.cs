using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KestrelEcho.Connections;
using KestrelEcho.Echo;
using KestrelEcho.Health;
using KestrelEcho.Hosting;
using KestrelEcho.Net;
using KestrelEcho.Testing;
using KestrelEcho.Tls;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelEcho.Tests.Tls;

/// <summary>
/// Every way the TLS settings can be wrong stops the start with one line naming the setting to fix: invalid
/// settings through their validator (under the test host, Program reports them itself), unusable certificates
/// through the test host, and both as users see them from the real process.
/// </summary>
public sealed class TlsStartupFailureTests
{
    [Fact]
    public void EnabledWithoutCertificate_IsInvalid_NamingEveryBadSettingAtOnce()
    {
        var options = new EchoTlsOptions { Enabled = true, Port = 70000, KeyPath = "/nonexistent/key.pem" };

        var message = new EchoTlsOptionsValidator().Validate(null, options).FailureMessage;

        Assert.Contains("EchoTls:CertificatePath is required when EchoTls:Enabled is true", message, StringComparison.Ordinal);
        Assert.Contains("EchoTls:Port must be between", message, StringComparison.Ordinal);
        Assert.Contains("EchoTls:KeyPath '/nonexistent/key.pem' does not exist", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabled_IgnoresCertificatePaths()
    {
        await using var app = new EchoAppFactory()
            .WithSetting("EchoTls:Enabled", "false")
            .WithSetting("EchoTls:CertificatePath", "/nonexistent/certificate.pem");

        await app.InitializeAsync();

        Assert.Null(app.Services.GetRequiredService<ListenEndpoints>().EchoTls);
    }

    [Fact]
    public void CertificatePathMissing_IsInvalid_NamingTheSetting()
    {
        var options = new EchoTlsOptions { Enabled = true, CertificatePath = "/nonexistent/certificate.pfx" };

        var message = new EchoTlsOptionsValidator().Validate(null, options).FailureMessage;

        Assert.Contains("EchoTls:CertificatePath '/nonexistent/certificate.pfx' does not exist", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CertificateFormat.Pkcs12, "not the password", "EchoTls:CertificatePassword is wrong")]
    [InlineData(CertificateFormat.Pkcs12, "", "EchoTls:CertificatePassword is required")]
    [InlineData(CertificateFormat.PemWithEncryptedKeyFile, "not the password", "EchoTls:CertificatePassword decrypts")]
    [InlineData(CertificateFormat.PemWithEncryptedKeyFile, "", "an encrypted key also needs EchoTls:CertificatePassword")]
    public async Task WrongPassword_FailsStart_NamingTheSetting(CertificateFormat format, string password, string expected)
    {
        using var certificate = TestCertificate.Create();
        await using var app = new EchoAppFactory().WithTls(certificate, format).WithSetting("EchoTls:CertificatePassword", password);

        Assert.Contains(expected, FailedStart(app), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileThatIsNeitherPemNorPkcs12_FailsStart_NamingTheSetting()
    {
        using var certificate = TestCertificate.Create();
        var junk = certificate.Write("junk.bin", [0x30, 0x03, 0x01, 0x02, 0x03]);
        await using var app = new EchoAppFactory()
            .WithSetting("EchoTls:Enabled", "true")
            .WithSetting("EchoTls:CertificatePath", junk);

        Assert.Contains($"EchoTls:CertificatePath '{junk}' is neither a PEM certificate nor a PKCS#12 (PFX) file", FailedStart(app), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PemCertificateWithoutKey_FailsStart_PointingAtKeyPath()
    {
        using var certificate = TestCertificate.Create();
        await using var app = new EchoAppFactory()
            .WithSetting("EchoTls:Enabled", "true")
            .WithSetting("EchoTls:CertificatePath", certificate.CertificatePemPath);

        var message = FailedStart(app);

        Assert.Contains($"EchoTls:CertificatePath '{certificate.CertificatePemPath}' holds no private key", message, StringComparison.Ordinal);
        Assert.Contains("set EchoTls:KeyPath", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyOfAnotherCertificate_FailsStart_NamingKeyPath()
    {
        using var certificate = TestCertificate.Create();
        using var other = TestCertificate.Create();
        await using var app = new EchoAppFactory()
            .WithTls(certificate, CertificateFormat.PemWithKeyFile)
            .WithSetting("EchoTls:KeyPath", other.KeyPemPath);

        Assert.Contains($"EchoTls:KeyPath '{other.KeyPemPath}' holds no private key matching the certificate", FailedStart(app), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyPathWithPkcs12_FailsStart_NamingKeyPath()
    {
        using var certificate = TestCertificate.Create();
        await using var app = new EchoAppFactory()
            .WithTls(certificate, CertificateFormat.Pkcs12)
            .WithSetting("EchoTls:KeyPath", certificate.KeyPemPath);

        Assert.Contains("EchoTls:KeyPath is only for PEM certificates", FailedStart(app), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientOnlyCertificate_FailsStart_NamingCertificatePath()
    {
        using var certificate = TestCertificate.Create(TestCertificate.ClientAuthentication);
        await using var app = new EchoAppFactory().WithTls(certificate, CertificateFormat.Pkcs12);

        Assert.Contains(
            $"EchoTls:CertificatePath '{certificate.Pkcs12Path}' is not valid for TLS servers",
            FailedStart(app),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task RealProcess_CertificateMissing_ExitsNonZero_WithOneLineNamingTheSetting()
    {
        var line = await ServiceProcess.FailedStartLineAsync("--EchoTls:Enabled", "true", "--EchoTls:CertificatePath", "/nonexistent");

        Assert.Equal("kestrel-echo: invalid configuration: EchoTls:CertificatePath '/nonexistent' does not exist.", line);
    }

    [Fact]
    public async Task RealProcess_TlsPortInUse_ExitsNonZero_WithOneLineNamingThePortAndSetting()
    {
        using var certificate = TestCertificate.Create();
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        string[] arguments = [.. certificate.Settings(CertificateFormat.PemWithKeyInside).SelectMany(static setting => (string[])[$"--{setting.Key}", setting.Value])];

        var line = await ServiceProcess.FailedStartLineAsync([.. arguments, "--EchoTls:Port", port.ToString(CultureInfo.InvariantCulture)]);

        Assert.Contains($"port {port} is already in use (EchoTls:Port)", line, StringComparison.Ordinal);
    }

    private static string FailedStart(EchoAppFactory app)
    {
        var failure = Assert.ThrowsAny<Exception>(app.StartServer);
        Assert.True(StartupFailure.TryDescribe(failure, endpoints: null, out var message), failure.ToString());
        return message;
    }
}
