namespace KestrelEcho.Testing;

/// <summary>The ways an operator can hand the service its certificate.</summary>
public enum CertificateFormat
{
    /// <summary>A password-protected PKCS#12 (PFX) file.</summary>
    Pkcs12,

    /// <summary>A PEM certificate and its unencrypted PEM key in another file.</summary>
    PemWithKeyFile,

    /// <summary>A PEM certificate and its password-encrypted PEM key in another file.</summary>
    PemWithEncryptedKeyFile,

    /// <summary>One PEM file holding the certificate, then its key.</summary>
    PemWithKeyInside,
}
