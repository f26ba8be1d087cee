namespace KestrelEcho.Testing;

/// <summary>
/// A test class whose tests start apps of their own: with settings of their own, or to stop them. After each test,
/// every app it started is checked for leaks (<see cref="EchoAppFactory.AssertNoLeaksAsync"/>), whether the test
/// stopped it or not, then stopped.
/// </summary>
public abstract class FreshAppTest : IAsyncLifetime
{
    private readonly List<EchoAppFactory> _apps = [];

    /// <summary>Starts an app with <paramref name="settings"/> on top of the test defaults.</summary>
    protected Task<EchoAppFactory> StartAppAsync(params (string Key, string? Value)[] settings) =>
        StartAppAsync(app =>
        {
            foreach (var (key, value) in settings)
            {
                app.WithSetting(key, value);
            }
        });

    /// <summary>Starts an app that <paramref name="configure"/> sets up first (TLS, a settings file, expected log lines).</summary>
    protected async Task<EchoAppFactory> StartAppAsync(Action<EchoAppFactory> configure)
    {
        var app = new EchoAppFactory();
        _apps.Add(app);
        configure(app);
        await app.InitializeAsync();
        return app;
    }

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var app in _apps)
            {
                await app.AssertNoLeaksAsync();
            }
        }
        finally
        {
            foreach (var app in _apps)
            {
                await app.DisposeAsync();
            }

            GC.SuppressFinalize(this);
        }
    }
}
