namespace KestrelEcho.Tls;

/// <summary>
/// The configured certificate cannot serve TLS (unreadable, malformed, wrong password, no key, not for servers).
/// The message names the setting to fix; start-up reports it as one line.
/// </summary>
internal sealed class TlsCertificateException(string message, Exception? innerException = null)
    : Exception(message, innerException);
