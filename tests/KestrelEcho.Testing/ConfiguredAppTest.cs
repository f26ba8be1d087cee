namespace KestrelEcho.Testing;

/// <summary>
/// A test class whose tests all want an app with the same settings of their own: each test gets a fresh one, and
/// after it the same checks as every app (<see cref="FreshAppTest"/>).
/// </summary>
public abstract class ConfiguredAppTest(params (string Key, string? Value)[] settings) : FreshAppTest
{
    private EchoAppFactory? _app;

    protected EchoAppFactory App => _app ?? throw new InvalidOperationException("The app starts before each test.");

    public override async ValueTask InitializeAsync() => _app = await StartAppAsync(settings);
}
