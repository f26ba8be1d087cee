namespace KestrelEcho.Tls;

/// <summary>The full names of the <c>EchoTls</c> settings, as operators write them and as every message names them.</summary>
internal static class EchoTlsSettings
{
    public const string Enabled = $"{EchoTlsOptions.SectionName}:{nameof(EchoTlsOptions.Enabled)}";
    public const string Port = $"{EchoTlsOptions.SectionName}:{nameof(EchoTlsOptions.Port)}";
    public const string CertificatePath = $"{EchoTlsOptions.SectionName}:{nameof(EchoTlsOptions.CertificatePath)}";
    public const string KeyPath = $"{EchoTlsOptions.SectionName}:{nameof(EchoTlsOptions.KeyPath)}";
    public const string CertificatePassword = $"{EchoTlsOptions.SectionName}:{nameof(EchoTlsOptions.CertificatePassword)}";
}
