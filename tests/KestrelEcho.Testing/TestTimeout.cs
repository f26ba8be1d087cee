namespace KestrelEcho.Testing;

/// <summary>A token that ends a hung socket operation instead of the whole test run.</summary>
public static class TestTimeout
{
    public static CancellationTokenSource Start(int seconds = 30)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(TimeSpan.FromSeconds(seconds));
        return source;
    }
}
