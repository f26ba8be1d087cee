using KestrelEcho.Admin;

namespace KestrelEcho.Dashboard;

/// <summary>
/// One event of <c>GET /connections/events</c>. Counts are cumulative since the service started, so a reader that
/// missed events loses nothing: rates are differences between two ticks.
/// </summary>
/// <param name="Live">Connections open now, in every stage.</param>
/// <param name="Matched">Of those, how many match the stream's query; <paramref name="Connections"/> is the first page of them.</param>
/// <param name="Opened">Connections accepted, refused ones included.</param>
/// <param name="Closed">Connections closed, refused ones included.</param>
/// <param name="Refused">Connections closed before the echo (limits, PROXY header, TLS handshake, shutdown).</param>
/// <param name="BytesReceived">From clients: the closed connections' bytes plus what the live ones have received so far.</param>
/// <param name="BytesSent">To clients, counted as <paramref name="BytesReceived"/>.</param>
/// <param name="Reasons">Closed connections by close reason; reasons that never happened are left out.</param>
internal sealed record LiveTick(
    DateTimeOffset Time,
    int Live,
    int Matched,
    long Opened,
    long Closed,
    long Refused,
    long BytesReceived,
    long BytesSent,
    Dictionary<string, long> Reasons,
    List<ConnectionView> Connections);
