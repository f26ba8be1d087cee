using System.Text.Json.Serialization;
using KestrelEcho.Connections;

namespace KestrelEcho.Admin;

/// <summary>
/// A PROXY header's PP2_TYPE_SSL: <see cref="Client"/> names the PP2_CLIENT_* bits set (<c>ssl</c>, <c>cert_conn</c>,
/// <c>cert_sess</c>); <see cref="Verify"/> is 0 when the client's certificate was presented and verified.
/// </summary>
internal sealed record ProxySslView(
    IReadOnlyList<string> Client,
    uint Verify,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Version,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Cipher,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CommonName)
{
    public static ProxySslView? Of(ProxySslTlv? ssl) => ssl is null ? null : new(
        ClientFlags(ssl.Client),
        ssl.Verify,
        ssl.Version,
        ssl.Cipher,
        ssl.CommonName);

    private static List<string> ClientFlags(byte client)
    {
        var flags = new List<string>(3);
        if ((client & ProxySslTlv.ClientSsl) != 0)
        {
            flags.Add("ssl");
        }

        if ((client & ProxySslTlv.ClientCertificateOnConnection) != 0)
        {
            flags.Add("cert_conn");
        }

        if ((client & ProxySslTlv.ClientCertificateInSession) != 0)
        {
            flags.Add("cert_sess");
        }

        return flags;
    }
}
