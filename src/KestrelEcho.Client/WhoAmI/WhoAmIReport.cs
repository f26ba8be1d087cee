using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace KestrelEcho.Client.WhoAmI;

/// <summary>
/// The who-am-i document for a person: aligned lines, the proxy and TLS sections only when the service saw them,
/// and whether the client the service saw is this socket or someone in between.
/// </summary>
internal static class WhoAmIReport
{
    public static string Plain(WhoAmIDocument document, IPEndPoint socketLocal)
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        var listener = document.Listener is null ? string.Empty : $"listener {document.Listener}, ";
        var at = document.ConnectedAt is { } connectedAt ? $", connected at {connectedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", culture)}" : string.Empty;
        text.AppendLine(culture, $"connection: {document.ConnectionId} ({listener}{document.Transport}){at}");
        text.AppendLine(culture, $"seen as:    {document.Client} {SeenAs(document, socketLocal)}");
        text.AppendLine(culture, $"server end: {document.Local}");
        if (document.Server is { } server)
        {
            text.AppendLine(culture, $"server:     {server.HostName}{(server.InstanceId is null ? string.Empty : $", instance {server.InstanceId}")}");
        }

        if (document.Proxy is { } proxy)
        {
            text.AppendLine(culture, $"proxy:      {proxy.EndPoint} sent a PROXY v{proxy.Version} header naming the client");
            foreach (var (name, value) in proxy.Tlvs ?? [])
            {
                text.AppendLine(culture, $"  tlv {name + ":",-20} {Show(value)}");
            }
        }

        if (document.Tls is { } tls)
        {
            string?[] parts =
            [
                tls.Cipher,
                tls.Sni is null ? null : $"SNI {tls.Sni}",
                tls.Alpn is null ? null : $"ALPN {tls.Alpn}",
                tls.ClientCertificate is null ? null : $"client certificate {tls.ClientCertificate}",
            ];
            text.AppendLine(culture, $"tls:        {string.Join(", ", [tls.Protocol, .. parts.OfType<string>()])}");
        }

        return text.ToString();
    }

    /// <summary>
    /// Compares what the service saw with our own socket's end. IPv4 on a dual-stack listener shows as
    /// <c>::ffff:a.b.c.d</c> on one side or the other; that is still this socket.
    /// </summary>
    private static string SeenAs(WhoAmIDocument document, IPEndPoint socketLocal)
    {
        var us = new WhoAmIEndPoint(Unmapped(socketLocal.Address).ToString(), socketLocal.Port);
        if (IsUs(document.Client!, socketLocal))
        {
            return "(this socket)";
        }

        return document.Proxy is null
            ? $"(NAT or proxy in between: we are {us})"
            : $"(the PROXY header's client; we are {us}{(IsUs(document.Proxy.EndPoint, socketLocal) ? ", the proxy's own address" : string.Empty)})";
    }

    private static bool IsUs(WhoAmIEndPoint seen, IPEndPoint socketLocal) =>
        IPAddress.TryParse(seen.Address, out var address) && Unmapped(address).Equals(Unmapped(socketLocal.Address)) && seen.Port == socketLocal.Port;

    private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static string Show(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
}
