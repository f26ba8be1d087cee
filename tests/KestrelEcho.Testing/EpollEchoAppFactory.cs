namespace KestrelEcho.Testing;

/// <summary>
/// The fixture with the echo endpoints on the service's own epoll transport (<c>Echo:Transport</c> = <c>Epoll</c>),
/// for test classes that share one app. The whole suite also runs on it with <c>Echo__Transport=Epoll</c> in the
/// environment: the test settings leave <c>Echo:Transport</c> alone, so the variable applies to every app.
/// </summary>
public sealed class EpollEchoAppFactory : EchoAppFactory
{
    public EpollEchoAppFactory() => WithSetting("Echo:Transport", "Epoll");
}
