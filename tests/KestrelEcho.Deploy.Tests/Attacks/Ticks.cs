namespace KestrelEcho.Deploy.Tests.Attacks;

/// <summary>The pace of the watchers: a timer's next tick, or false once the attack's watch stops.</summary>
internal static class Ticks
{
    public static async Task<bool> NextAsync(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return false;
        }
    }
}
