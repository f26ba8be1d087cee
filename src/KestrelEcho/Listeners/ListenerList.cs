namespace KestrelEcho.Listeners;

/// <summary><c>GET /listeners</c>: the built-in echo endpoints first, then the named listeners.</summary>
internal sealed record ListenerList(IReadOnlyList<ListenerView> Listeners);
