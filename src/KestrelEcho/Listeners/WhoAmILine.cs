using KestrelEcho.Admin;

namespace KestrelEcho.Listeners;

/// <summary>
/// The line a WhoAmI listener writes first on every connection: the connection as the service sees it. Its members
/// and their order are a format shared with the client (<c>kestrel-echo whoami</c>); null members are left out.
/// </summary>
internal sealed record WhoAmILine(
    string ConnectionId,
    string Listener,
    string Transport,
    WhoAmIEndPoint? Client,
    WhoAmIEndPoint? Local,
    WhoAmIProxy? Proxy,
    TlsView? Tls,
    WhoAmIServer Server,
    string ConnectedAt);
