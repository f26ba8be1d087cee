using System.Text.Json;

namespace KestrelEcho.Client.WhoAmI;

/// <summary>
/// The proxy that sent a trusted PROXY header: its own socket address, the header's version, and its TLVs as the
/// service's <c>/connections</c> names them. The TLVs stay JSON so a member the service adds later still shows.
/// </summary>
internal sealed record WhoAmIProxy(string? Address, int Port, int Version, Dictionary<string, JsonElement>? Tlvs)
{
    public WhoAmIEndPoint EndPoint => new(Address, Port);
}
