using System.Net.Security;

namespace KestrelEcho.Tests.Infrastructure;

public static class SslStreamExtensions
{
    /// <summary>The classic exchange over TLS: sends "Hola mundo" and asserts it comes straight back.</summary>
    public static async Task AssertHolaMundoEchoedAsync(this SslStream tls, CancellationToken cancellationToken)
    {
        var hello = "Hola mundo"u8.ToArray();
        await tls.WriteAsync(hello, cancellationToken);
        var echoed = new byte[hello.Length];
        await tls.ReadExactlyAsync(echoed, cancellationToken);
        Assert.Equal(hello, echoed);
    }

    /// <summary>
    /// Asserts the service ends the stream without sending a byte of echo. Kestrel closes a TLS connection with a plain
    /// FIN, no close_notify alert first; .NET reports either as the end of the stream (a read of 0).
    /// </summary>
    public static async Task AssertEndsWithoutEchoAsync(this SslStream tls, CancellationToken cancellationToken)
    {
        try
        {
            Assert.Equal(0, await tls.ReadAsync(new byte[1], cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Assert.Fail("The service never closed the TLS connection: it was still open when the test's time ran out.");
        }
    }
}
