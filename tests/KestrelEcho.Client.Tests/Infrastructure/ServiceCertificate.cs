using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KestrelEcho.Client.Tests.Infrastructure;

/// <summary>
/// A self-signed certificate for localhost and 127.0.0.1, written as PEM to a temporary folder: the service
/// presents it, and <c>--tls-trust</c> trusts it. Disposing deletes the folder.
/// </summary>
public sealed class ServiceCertificate : IDisposable
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    private readonly DirectoryInfo _directory;

    private ServiceCertificate(DirectoryInfo directory) => _directory = directory;

    public string CertificatePemPath => Path.Combine(_directory.FullName, "certificate.pem");

    public string KeyPemPath => Path.Combine(_directory.FullName, "key.pem");

    public static ServiceCertificate Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthentication)], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        var created = new ServiceCertificate(Directory.CreateTempSubdirectory("kestrel-echo-client-tls-"));
        File.WriteAllText(created.CertificatePemPath, certificate.ExportCertificatePem());
        File.WriteAllText(created.KeyPemPath, key.ExportPkcs8PrivateKeyPem());
        return created;
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
