using System.Text;
using System.Threading.Channels;

namespace KestrelEcho.Client.Tests.Infrastructure;

/// <summary>
/// Standard error for a progress reporter under test: keeps every write in order and lets the test await the
/// next one. <see cref="HoldWrites"/> keeps the reporter inside its next write until <see cref="ReleaseWrites"/>,
/// so the test can move the clock while the reporter is busy, the way a loaded machine delays it.
/// </summary>
public sealed class ProgressOutput : TextWriter
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(10);

    private readonly Channel<string> _writes = Channel.CreateUnbounded<string>();

    private TaskCompletionSource? _hold;

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(string? value) => _writes.Writer.TryWrite(value ?? string.Empty);

    public override async Task WriteAsync(string? value)
    {
        _writes.Writer.TryWrite(value ?? string.Empty);
        if (Volatile.Read(ref _hold) is { } hold)
        {
            await hold.Task;
        }
    }

    public void HoldWrites() => Volatile.Write(ref _hold, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void ReleaseWrites() => Interlocked.Exchange(ref _hold, null)?.SetResult();

    /// <summary>The next write; fails the test when none comes within 10 s.</summary>
    public async Task<string> NextAsync()
    {
        try
        {
            return await _writes.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(s_patience, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Nothing was written within {s_patience.TotalSeconds} s.");
            throw;
        }
    }

    /// <summary>The writes not yet taken with <see cref="NextAsync"/>: once the reporter is done, everything it wrote after.</summary>
    public string[] Rest()
    {
        var rest = new List<string>();
        while (_writes.Reader.TryRead(out var write))
        {
            rest.Add(write);
        }

        return [.. rest];
    }
}
