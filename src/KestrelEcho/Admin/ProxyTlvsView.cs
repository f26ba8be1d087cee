using System.Globalization;
using System.Text.Json.Serialization;
using KestrelEcho.Connections;

namespace KestrelEcho.Admin;

/// <summary>
/// The TLVs of a connection's PROXY v2 header that say something about the client, each left out when the header
/// did not carry it. The Google Cloud connection id is a 64-bit number, so it is a string, as Google's own API
/// writes it: JavaScript's numbers would round it.
/// </summary>
internal sealed record ProxyTlvsView(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Authority,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UniqueId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Alpn,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ProxySslView? Ssl,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Netns,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AwsVpceId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] uint? AzureLinkId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? GcpPscConnectionId)
{
    public static ProxyTlvsView? Of(ProxyTlvs? tlvs) => tlvs is null ? null : new(
        tlvs.Authority,
        tlvs.UniqueId,
        tlvs.Alpn,
        ProxySslView.Of(tlvs.Ssl),
        tlvs.NetworkNamespace,
        tlvs.AwsVpcEndpointId,
        tlvs.AzureLinkId,
        tlvs.GcpPscConnectionId?.ToString(CultureInfo.InvariantCulture));
}
