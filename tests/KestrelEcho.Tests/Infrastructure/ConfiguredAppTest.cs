namespace KestrelEcho.Tests.Infrastructure;

/// <summary>
/// A test class whose app needs settings of its own: each test gets a fresh app started with them, and after
/// it the same leak checks as <see cref="EchoAppTest"/>.
/// </summary>
public abstract class ConfiguredAppTest : IAsyncLifetime
{
    protected ConfiguredAppTest(params (string Key, string? Value)[] settings)
    {
        App = new EchoAppFactory();
        foreach (var (key, value) in settings)
        {
            App.WithSetting(key, value);
        }
    }

    protected EchoAppFactory App { get; }

    public ValueTask InitializeAsync() => App.InitializeAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await App.AssertNoLeaksAsync();
        }
        finally
        {
            await App.DisposeAsync();
            GC.SuppressFinalize(this);
        }
    }
}
