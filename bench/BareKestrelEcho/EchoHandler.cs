using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace BareKestrelEcho;

/// <summary>The minimal echo loop: read, write each segment back, advance, flush once per read.</summary>
internal sealed class EchoHandler : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync();
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    output.Write(segment.Span);
                }

                input.AdvanceTo(buffer.End);
                var flush = await output.FlushAsync();
                if (result.IsCompleted || result.IsCanceled || flush.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (ConnectionResetException)
        {
            // A client that resets is an expected end of an echo connection, here as in the service.
        }
        catch (OperationCanceledException)
        {
            // The transport aborted the connection (ConnectionAbortedException): also an expected end.
        }
    }
}
