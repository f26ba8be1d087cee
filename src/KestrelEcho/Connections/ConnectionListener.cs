namespace KestrelEcho.Connections;

/// <summary>
/// The listener a connection came in on: the plain echo (<c>echo</c>), the TLS echo (<c>echo_tls</c>), the WebSocket
/// echo (<c>websocket</c>) or a named listener from the <c>Listeners</c> section. One object per listener for the
/// life of the process, so its metric tag is built once and its totals are added to once per connection.
/// </summary>
internal sealed class ConnectionListener
{
    /// <summary>The metric tag every echo counter carries beside the transport's.</summary>
    public const string MetricTagName = "kestrel_echo.listener";

    private long _opened;

    public ConnectionListener(string name, ConnectionTransport transport)
    {
        Name = name;
        Transport = transport;
        MetricTag = new KeyValuePair<string, object?>(MetricTagName, name);
    }

    public static ConnectionListener Echo { get; } = new("echo", ConnectionTransport.Tcp);

    public static ConnectionListener EchoTls { get; } = new("echo_tls", ConnectionTransport.Tls);

    public static ConnectionListener WebSocket { get; } = new("websocket", ConnectionTransport.WebSocket);

    /// <summary>The built-in listeners, whatever the configuration enables: their metric series exist from the start.</summary>
    public static IReadOnlyList<ConnectionListener> BuiltIn { get; } = [Echo, EchoTls, WebSocket];

    public string Name { get; }

    public ConnectionTransport Transport { get; }

    public KeyValuePair<string, object?> MetricTag { get; }

    /// <summary>Connections accepted on this listener since start, refused ones included.</summary>
    public long Opened => Interlocked.Read(ref _opened);

    /// <summary>This listener's closed connections, added up as the registry's totals are.</summary>
    public ClosedConnectionTotals ClosedTotals { get; } = new();

    public void OnOpened() => Interlocked.Increment(ref _opened);
}
