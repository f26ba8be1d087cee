using System.Net.Sockets;

namespace KestrelEcho.Deploy.Tests.Dashboard;

/// <summary>
/// Bytes flowing through one echo connection until disposed: 16 KiB out and the same back, a hundred times a second at
/// most, so a chart has something to show without the test taking the shared machine's CPU.
/// </summary>
internal sealed class EchoTraffic : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly Task _loop;
    private long _echoed;

    private EchoTraffic(Socket client) => _loop = RunAsync(client);

    /// <summary>Bytes echoed back so far.</summary>
    public long Echoed => Interlocked.Read(ref _echoed);

    public static EchoTraffic Start(Socket client) => new(client);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync(Socket client)
    {
        var chunk = Payload.Random(16 * 1024, seed: 7);
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        try
        {
            while (await pace.WaitForNextTickAsync(_stop.Token))
            {
                await client.SendAllAsync(chunk, _stop.Token);
                await client.ReceiveExactlyAsync(chunk.Length, _stop.Token);
                Interlocked.Add(ref _echoed, chunk.Length);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }
}
