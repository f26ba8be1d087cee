namespace KestrelEcho.Testing;

/// <summary>
/// The fixture with the TLS echo endpoint on as well, serving a throwaway certificate for localhost: for test
/// classes that share one app (a class fixture cannot take settings).
/// </summary>
public sealed class TlsEchoAppFactory : EchoAppFactory
{
    public TlsEchoAppFactory() => WithTls(Certificate);

    public TestCertificate Certificate { get; } = TestCertificate.Create();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Certificate.Dispose();
    }
}
