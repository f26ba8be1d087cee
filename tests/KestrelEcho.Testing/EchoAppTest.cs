namespace KestrelEcho.Testing;

/// <summary>
/// A test class sharing one running app (a class fixture, so one app per class and its tests one at a time);
/// after each test it checks that nothing leaked (<see cref="EchoAppFactory.AssertNoLeaksAsync"/>).
/// </summary>
public abstract class EchoAppTest<TApp>(TApp app) : IClassFixture<TApp>, IAsyncLifetime
    where TApp : EchoAppFactory
{
    protected TApp App { get; } = app;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await App.AssertNoLeaksAsync();
        GC.SuppressFinalize(this);
    }
}
