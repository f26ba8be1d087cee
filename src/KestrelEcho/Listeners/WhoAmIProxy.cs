using KestrelEcho.Admin;

namespace KestrelEcho.Listeners;

/// <summary>The proxy a trusted PROXY header came from: its own socket address, the header's version and TLVs.</summary>
internal sealed record WhoAmIProxy(string Address, int Port, int Version, ProxyTlvsView? Tlvs);
