namespace KestrelEcho.Listeners;

/// <summary>
/// One named listener, bound from <c>Listeners:&lt;name&gt;</c>. Its address, port, mode and TLS are read at start;
/// the impairments are its starting ones: <c>PUT /listeners/{name}</c> replaces them while it runs.
/// </summary>
internal sealed class ListenerOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Null: the plain echo's <c>Echo:Address</c>.</summary>
    public string? Address { get; set; }

    /// <summary>Required; 0 picks a free port (for tests).</summary>
    public int? Port { get; set; }

    /// <summary>TLS with the TLS echo's certificate (<c>EchoTls:CertificatePath</c>).</summary>
    public bool Tls { get; set; }

    public ListenerMode Mode { get; set; } = ListenerMode.Echo;

    /// <summary>Each echoed chunk is held back this long (± <see cref="Jitter"/>), in order.</summary>
    public TimeSpan Delay { get; set; }

    public TimeSpan Jitter { get; set; }

    /// <summary>The echo's rate ceiling; 0 is unthrottled.</summary>
    public long BytesPerSecond { get; set; }

    /// <summary>After echoing exactly this many bytes, FIN (<c>injected_close</c>); 0 is off.</summary>
    public long CloseAfterBytes { get; set; }

    /// <summary>After echoing exactly this many bytes, RST (<c>injected_reset</c>); 0 is off.</summary>
    public long ResetAfterBytes { get; set; }

    /// <summary>The fraction of connections reset as soon as they are accepted (<c>injected_reset</c>).</summary>
    public double ResetOnAcceptProbability { get; set; }

    /// <summary>The echo is written in pieces of at most this many bytes, each flushed on its own; 0 is off.</summary>
    public int ChunkSize { get; set; }

    public ListenerImpairments Impairments => new(Delay, Jitter, BytesPerSecond, CloseAfterBytes, ResetAfterBytes, ResetOnAcceptProbability, ChunkSize);
}
