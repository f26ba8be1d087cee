namespace KestrelEcho.Connections;

/// <summary>
/// The TLVs of a PROXY protocol v2 header that say something about the client, each null when the header did not carry
/// it: <see cref="Alpn"/> (PP2_TYPE_ALPN), <see cref="Authority"/> (PP2_TYPE_AUTHORITY, the SNI the balancer saw),
/// <see cref="UniqueId"/> (PP2_TYPE_UNIQUE_ID, in lower-case hex), <see cref="Ssl"/> (PP2_TYPE_SSL),
/// <see cref="NetworkNamespace"/> (PP2_TYPE_NETNS), and the cloud balancers' own: an AWS VPC endpoint id (type 0xEA),
/// an Azure private endpoint's LinkID (0xEE) and a Google Cloud Private Service Connect connection id (0xE0).
/// </summary>
internal sealed record ProxyTlvs(
    string? Alpn,
    string? Authority,
    string? UniqueId,
    ProxySslTlv? Ssl,
    string? NetworkNamespace,
    string? AwsVpcEndpointId,
    uint? AzureLinkId,
    ulong? GcpPscConnectionId);
