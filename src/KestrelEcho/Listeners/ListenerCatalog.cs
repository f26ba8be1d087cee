using KestrelEcho.Connections;
using KestrelEcho.Echo;
using KestrelEcho.Tls;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Listeners;

/// <summary>
/// Every listener of the echo path, built-in first (the plain echo, the TLS echo when enabled), then the enabled named
/// ones in configuration order. Built once at start: listeners are not added or removed while the service runs.
/// </summary>
internal sealed class ListenerCatalog
{
    private readonly Dictionary<string, Listener> _byName = new(StringComparer.OrdinalIgnoreCase);

    public ListenerCatalog(IOptions<ListenersOptions> listeners, IOptions<EchoOptions> echo, IOptions<EchoTlsOptions> echoTls)
    {
        var all = new List<Listener>
        {
            new(ConnectionListener.Echo, echo.Value.Address, echo.Value.Port, ListenerMode.Echo, tls: false, ListenerImpairments.None, builtIn: true),
        };
        if (echoTls.Value.Enabled)
        {
            all.Add(new(ConnectionListener.EchoTls, echoTls.Value.Address, echoTls.Value.Port, ListenerMode.Echo, tls: true, ListenerImpairments.None, builtIn: true));
        }

        foreach (var (name, options) in listeners.Value)
        {
            if (options.Enabled)
            {
                var identity = new ConnectionListener(name, options.Tls ? ConnectionTransport.Tls : ConnectionTransport.Tcp);
                all.Add(new(identity, options.Address ?? echo.Value.Address, options.Port ?? 0, options.Mode, options.Tls, options.Impairments, builtIn: false));
            }
        }

        All = all;
        foreach (var listener in all)
        {
            _byName[listener.Name] = listener;
        }
    }

    public IReadOnlyList<Listener> All { get; }

    public IEnumerable<Listener> Named => All.Where(static listener => !listener.BuiltIn);

    /// <summary>Every listener whose counters are published at 0: the built-in ones, enabled or not (as always), and the named ones.</summary>
    public IEnumerable<ConnectionListener> MetricListeners => ConnectionListener.BuiltIn.Concat(Named.Select(static listener => listener.Identity));

    public Listener? Find(string name) => _byName.GetValueOrDefault(name);
}
