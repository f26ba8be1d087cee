namespace KestrelEcho.Client.WhoAmI;

/// <summary>
/// The one JSON line a <c>Mode: WhoAmI</c> listener writes first on every connection: the connection as the service
/// saw it. <see cref="Proxy"/> only behind a trusted PROXY header, <see cref="Tls"/> only on TLS.
/// </summary>
internal sealed record WhoAmIDocument(
    string? ConnectionId,
    string? Listener,
    string? Transport,
    WhoAmIEndPoint? Client,
    WhoAmIEndPoint? Local,
    WhoAmIProxy? Proxy,
    WhoAmITls? Tls,
    WhoAmIServer? Server,
    DateTimeOffset? ConnectedAt)
{
    /// <summary>
    /// Whether the members every who-am-i line has are there: any JSON object would deserialize, and one that merely
    /// happens to be JSON (an echo of something, another service's banner) must not pass for a who-am-i line.
    /// </summary>
    public bool IsComplete => ConnectionId is not null && Transport is not null && Client?.Address is not null && Local?.Address is not null;
}
