namespace KestrelEcho.Testing;

/// <summary>
/// The fixture with the UDP echo on as well, bound to every address (<c>*</c>) as in production, so one app answers
/// on 127.0.0.1, 127.0.0.2 and ::1: for test classes that share one app (a class fixture cannot take settings).
/// </summary>
public sealed class UdpEchoAppFactory : EchoAppFactory
{
    public UdpEchoAppFactory() => WithUdp("*");
}
