using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KestrelEcho.Testing;

/// <summary>
/// A self-signed certificate for localhost made for one test, written to a temporary folder in every format the
/// service reads. Disposing deletes the folder.
/// </summary>
public sealed class TestCertificate : IDisposable
{
    public const string Password = "Hola mundo, secreto";

    public const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    private readonly DirectoryInfo _directory;

    private TestCertificate(X509Certificate2 certificate, DirectoryInfo directory)
    {
        Certificate = certificate;
        _directory = directory;
    }

    /// <summary>The certificate with its private key: what the server must present.</summary>
    public X509Certificate2 Certificate { get; }

    public string Pkcs12Path => PathOf("certificate.pfx");

    public string CertificatePemPath => PathOf("certificate.pem");

    public string KeyPemPath => PathOf("key.pem");

    public string EncryptedKeyPemPath => PathOf("key.encrypted.pem");

    public string CertificateAndKeyPemPath => PathOf("certificate-and-key.pem");

    public static TestCertificate Create(string extendedKeyUsage = ServerAuthentication)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(extendedKeyUsage)], critical: false));
        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        var test = new TestCertificate(certificate, Directory.CreateTempSubdirectory("kestrel-echo-tls-"));
        var certificatePem = certificate.ExportCertificatePem();
        var keyPem = key.ExportPkcs8PrivateKeyPem();
        File.WriteAllBytes(test.Pkcs12Path, certificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, Password));
        File.WriteAllText(test.CertificatePemPath, certificatePem);
        File.WriteAllText(test.KeyPemPath, keyPem);
        File.WriteAllText(
            test.EncryptedKeyPemPath,
            key.ExportEncryptedPkcs8PrivateKeyPem(Password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000)));
        File.WriteAllText(test.CertificateAndKeyPemPath, $"{certificatePem}\n{keyPem}\n");
        return test;
    }

    /// <summary>A file of the given bytes beside the certificate files, for tests that need a bad one.</summary>
    public string Write(string name, byte[] contents)
    {
        var path = PathOf(name);
        File.WriteAllBytes(path, contents);
        return path;
    }

    /// <summary>The settings that enable the TLS echo endpoint on a free loopback port with this certificate.</summary>
    public IReadOnlyList<(string Key, string Value)> Settings(CertificateFormat format)
    {
        (string, string)[] endpoint = [("EchoTls:Enabled", "true"), ("EchoTls:Address", "127.0.0.1"), ("EchoTls:Port", "0")];
        (string, string)[] certificate = format switch
        {
            CertificateFormat.Pkcs12 => [("EchoTls:CertificatePath", Pkcs12Path), ("EchoTls:CertificatePassword", Password)],
            CertificateFormat.PemWithKeyFile => [("EchoTls:CertificatePath", CertificatePemPath), ("EchoTls:KeyPath", KeyPemPath)],
            CertificateFormat.PemWithEncryptedKeyFile =>
                [("EchoTls:CertificatePath", CertificatePemPath), ("EchoTls:KeyPath", EncryptedKeyPemPath), ("EchoTls:CertificatePassword", Password)],
            CertificateFormat.PemWithKeyInside => [("EchoTls:CertificatePath", CertificateAndKeyPemPath)],
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
        return [.. endpoint, .. certificate];
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _directory.Delete(recursive: true);
    }

    private string PathOf(string name) => Path.Combine(_directory.FullName, name);
}
