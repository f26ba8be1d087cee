namespace KestrelEcho.Tests.Infrastructure;

/// <summary>
/// A test class sharing one running app; after each test it checks that nothing leaked (connections, registry
/// entries, warnings).
/// </summary>
public abstract class EchoAppTest(EchoAppFactory app) : IClassFixture<EchoAppFactory>, IAsyncLifetime
{
    protected EchoAppFactory App { get; } = app;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await App.AssertNoLeaksAsync();
        GC.SuppressFinalize(this);
    }
}
