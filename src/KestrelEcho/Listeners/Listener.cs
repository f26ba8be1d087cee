using KestrelEcho.Connections;

namespace KestrelEcho.Listeners;

/// <summary>
/// One listener as the service runs it: a named one from <c>Listeners</c>, or a built-in echo endpoint (listed by
/// <c>GET /listeners</c>, with no impairments). Its impairments are swapped whole by <c>PUT /listeners/{name}</c>.
/// </summary>
internal sealed class Listener(ConnectionListener identity, string address, int port, ListenerMode mode, bool tls, ListenerImpairments impairments, bool builtIn)
{
    private ListenerImpairments _impairments = impairments;

    public ConnectionListener Identity { get; } = identity;

    public string Name => Identity.Name;

    public string Address { get; } = address;

    /// <summary>The configured port; 0 picks a free one, and <see cref="Net.ListenEndpoints"/> has the port bound.</summary>
    public int Port { get; } = port;

    public ListenerMode Mode { get; } = mode;

    public bool Tls { get; } = tls;

    /// <summary>The plain and TLS echo: they take no impairments, so their loop stays the plain one.</summary>
    public bool BuiltIn { get; } = builtIn;

    public ListenerImpairments Impairments
    {
        get => Volatile.Read(ref _impairments);
        set => Volatile.Write(ref _impairments, value);
    }
}
