namespace KestrelEcho.Client.Connections;

/// <summary>Where to connect and how: the options every command shares.</summary>
internal sealed record EchoTarget(string Host, int Port, TimeSpan Timeout, TlsMode Tls, string? TrustedCertificatePath)
{
    public override string ToString() => $"{Host}:{Port}";
}
