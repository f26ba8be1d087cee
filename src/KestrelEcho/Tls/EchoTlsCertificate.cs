using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace KestrelEcho.Tls;

/// <summary>
/// Loads the TLS echo endpoint's certificate with its private key, from PEM (certificate, key in the same or
/// another file, key optionally encrypted) or PKCS#12. Every way it can fail becomes a
/// <see cref="TlsCertificateException"/> naming the setting to fix, before anything listens: Kestrel would
/// otherwise fail later, at start or on each handshake, with a stack trace or with nothing at all.
/// </summary>
internal static class EchoTlsCertificate
{
    private const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";

    // What X509CertificateLoader reports, on every platform, when the PKCS#12 password does not fit.
    private const int InvalidPasswordHResult = unchecked((int)0x80070056);

    public static X509Certificate2 Load(EchoTlsOptions options)
    {
        var path = options.CertificatePath!;
        var contents = Read(EchoTlsSettings.CertificatePath, path);
        var password = string.IsNullOrEmpty(options.CertificatePassword) ? null : options.CertificatePassword;

        // Sniffed, not guessed from the extension: .crt, .pem, .cer and .key are all used for PEM in the wild.
        var certificate = PemEncoding.TryFindUtf8(contents, out _)
            ? LoadPem(path, Encoding.UTF8.GetString(contents), options.KeyPath, password)
            : LoadPkcs12(path, contents, options.KeyPath, password);

        try
        {
            EnsureServesTls(path, certificate);
            return certificate;
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }

    private static X509Certificate2 LoadPem(string path, string certificatePem, string? keyPath, string? password)
    {
        // Loaded alone first, so a bad certificate and a bad key are told apart.
        try
        {
            using var withoutKey = X509Certificate2.CreateFromPem(certificatePem);
        }
        catch (CryptographicException exception)
        {
            throw new TlsCertificateException($"{EchoTlsSettings.CertificatePath} '{path}' holds no PEM certificate: {exception.Message}", exception);
        }

        var separateKey = !string.IsNullOrWhiteSpace(keyPath);
        var keyPem = separateKey ? Encoding.UTF8.GetString(Read(EchoTlsSettings.KeyPath, keyPath!)) : certificatePem;
        try
        {
            return password is null
                ? X509Certificate2.CreateFromPem(certificatePem, keyPem)
                : X509Certificate2.CreateFromEncryptedPem(certificatePem, keyPem, password);
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            // A key of another certificate is an ArgumentException, not a CryptographicException.
            // An encrypted key with a wrong password fails exactly like a missing or mismatched key.
            var key = password is null
                ? $"private key matching the certificate (an encrypted key also needs {EchoTlsSettings.CertificatePassword})"
                : $"private key that matches the certificate and that {EchoTlsSettings.CertificatePassword} decrypts";
            throw new TlsCertificateException(
                separateKey
                    ? $"{EchoTlsSettings.KeyPath} '{keyPath}' holds no {key}."
                    : $"{EchoTlsSettings.CertificatePath} '{path}' holds no {key}; set {EchoTlsSettings.KeyPath} if the key is in a file of its own.",
                exception);
        }
    }

    private static X509Certificate2 LoadPkcs12(string path, byte[] contents, string? keyPath, string? password)
    {
        if (!string.IsNullOrWhiteSpace(keyPath))
        {
            throw new TlsCertificateException(
                $"{EchoTlsSettings.KeyPath} is only for PEM certificates; {EchoTlsSettings.CertificatePath} '{path}' is not PEM, so it is read as PKCS#12, which holds its own key.");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12(contents, password);
        }
        catch (CryptographicException exception) when (exception.HResult == InvalidPasswordHResult)
        {
            throw new TlsCertificateException(
                password is null
                    ? $"{EchoTlsSettings.CertificatePassword} is required: {EchoTlsSettings.CertificatePath} '{path}' is password-protected."
                    : $"{EchoTlsSettings.CertificatePassword} is wrong for {EchoTlsSettings.CertificatePath} '{path}'.",
                exception);
        }
        catch (CryptographicException exception)
        {
            throw new TlsCertificateException(
                $"{EchoTlsSettings.CertificatePath} '{path}' is neither a PEM certificate nor a PKCS#12 (PFX) file: {exception.Message}",
                exception);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new TlsCertificateException($"{EchoTlsSettings.CertificatePath} '{path}' holds no private key.");
        }

        return certificate;
    }

    /// <summary>Kestrel's own check, done here so it fails as one line instead of a stack trace at start.</summary>
    private static void EnsureServesTls(string path, X509Certificate2 certificate)
    {
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault()?.EnhancedKeyUsages;
        if (usages is not null && !usages.Cast<Oid>().Any(static usage => usage.Value == ServerAuthenticationOid))
        {
            throw new TlsCertificateException(
                $"{EchoTlsSettings.CertificatePath} '{path}' is not valid for TLS servers: its extended key usage lacks serverAuth ({ServerAuthenticationOid}).");
        }
    }

    private static byte[] Read(string setting, string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new TlsCertificateException($"{setting} '{path}' cannot be read: {exception.Message}", exception);
        }
    }
}
