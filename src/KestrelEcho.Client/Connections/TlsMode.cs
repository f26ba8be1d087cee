namespace KestrelEcho.Client.Connections;

internal enum TlsMode
{
    /// <summary>Plain TCP.</summary>
    None,

    /// <summary>TLS, with the operating system's usual certificate validation.</summary>
    Validate,

    /// <summary>TLS, trusting only the certificate given with <c>--tls-trust</c> as the root.</summary>
    TrustCertificate,

    /// <summary>TLS without checking the server's certificate at all.</summary>
    Insecure,
}
