using System.Buffers;
using System.Text;
using KestrelEcho.Client.Connections;

namespace KestrelEcho.Client.Chat;

/// <summary>
/// Line by line, like telnet: each input line goes out with its newline while the echo is printed as it arrives.
/// At the end of input it half-closes and reads the rest of the echo, then checks that everything came back.
/// </summary>
internal sealed class ChatSession(EchoConnection connection, TextReader input, TextWriter output)
{
    private readonly ArrayBufferWriter<byte> _sent = new();

    private readonly ArrayBufferWriter<byte> _received = new();

    public int LinesSent { get; private set; }

    public ReadOnlyMemory<byte> Sent => _sent.WrittenMemory;

    public ReadOnlyMemory<byte> Received => _received.WrittenMemory;

    /// <summary>
    /// Runs until the input ends and the server has closed its side. <paramref name="drainTimeout"/> bounds the
    /// wait for the rest of the echo after the input ends; a person may type for as long as they like.
    /// </summary>
    public async Task RunAsync(TimeSpan drainTimeout, CancellationToken cancellationToken)
    {
        using var receiving = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var receive = ReceiveAsync(receiving.Token);
        try
        {
            await SendLinesAsync(cancellationToken);
            await connection.CompleteSendingAsync();
            receiving.CancelAfter(drainTimeout);
        }
        catch
        {
            await receiving.CancelAsync();
            await ObserveAsync(receive);
            throw;
        }

        await receive;
    }

    private async Task SendLinesAsync(CancellationToken cancellationToken)
    {
        while (await input.ReadLineAsync(cancellationToken) is { } line)
        {
            var bytes = Encoding.UTF8.GetBytes(line + "\n");
            _sent.Write(bytes);
            await connection.Stream.WriteAsync(bytes, cancellationToken);
            await connection.Stream.FlushAsync(cancellationToken);
            LinesSent++;
        }
    }

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        // A decoder keeps a character split across two reads whole.
        var decoder = Encoding.UTF8.GetDecoder();
        var buffer = new byte[16 * 1024];
        var characters = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        int read;
        while ((read = await connection.Stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            _received.Write(buffer.AsSpan(0, read));
            var count = decoder.GetChars(buffer, 0, read, characters, 0, flush: false);
            await output.WriteAsync(characters.AsMemory(0, count), cancellationToken);
            await output.FlushAsync(cancellationToken);
        }
    }

    private static async Task ObserveAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException)
        {
            // The send side's failure is the one that is rethrown.
        }
    }
}
