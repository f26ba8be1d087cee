using KestrelEcho.Net;

namespace KestrelEcho.Tls;

/// <summary>
/// Settings of the optional TLS echo endpoint, bound from the <c>EchoTls</c> configuration section. Relative
/// paths are resolved from the working directory, like the rest of the host's files.
/// </summary>
internal sealed class EchoTlsOptions
{
    public const string SectionName = "EchoTls";

    public bool Enabled { get; set; }

    public string Address { get; set; } = ListenAddress.Any;

    public int Port { get; set; } = 9443;

    /// <summary>A PEM certificate (optionally followed by its key) or a PKCS#12 (PFX) file.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of a PEM certificate, when it is not in <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The PKCS#12 password, or the password of an encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }
}
