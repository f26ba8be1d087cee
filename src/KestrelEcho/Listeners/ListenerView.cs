namespace KestrelEcho.Listeners;

/// <summary>One listener, as <c>GET /listeners</c> shows it; <c>port</c> is the bound one.</summary>
internal sealed record ListenerView(
    string Name,
    string Address,
    int? Port,
    string Mode,
    bool Tls,
    bool BuiltIn,
    ImpairmentsView Impairments,
    ListenerCountersView Counters);
