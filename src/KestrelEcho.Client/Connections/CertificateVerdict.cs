using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KestrelEcho.Client.Connections;

/// <summary>Decides whether the server's certificate is acceptable and remembers why not, for the error line.</summary>
internal sealed class CertificateVerdict(EchoTarget target)
{
    public X509ChainPolicy? ChainPolicy { get; } = target.Tls == TlsMode.TrustCertificate ? TrustOnly(target.TrustedCertificatePath!) : null;

    public string? Rejection { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (target.Tls == TlsMode.Insecure || errors == SslPolicyErrors.None)
        {
            return true;
        }

        var chainStatus = chain?.ChainStatus.Select(status => status.Status.ToString()) ?? [];
        Rejection = $"certificate {certificate?.Subject} rejected ({string.Join(", ", [errors.ToString(), .. chainStatus])})";
        return false;
    }

    /// <summary>The certificate in <paramref name="path"/> becomes the only root; nothing else is trusted.</summary>
    private static X509ChainPolicy TrustOnly(string path)
    {
        X509Certificate2 trusted;
        try
        {
            trusted = X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new EchoClientException($"cannot read --tls-trust '{path}': {exception.Message}", exception);
        }

        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(trusted);
        return policy;
    }
}
