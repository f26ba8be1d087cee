namespace KestrelEcho.Admin;

/// <summary>The host part of a Host header or of an <c>Admin:AllowedHosts</c> entry, as the access rule compares them.</summary>
internal static class AdminHost
{
    /// <summary>Whether <paramref name="host"/> is a plain host name or IP address: no scheme, port or wildcard.</summary>
    public static bool IsHostName(string host) =>
        Uri.CheckHostName(Normalize(host)) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6;

    /// <summary>[::1] as a Host header brackets it and ::1 as a setting may write it compare as ::1.</summary>
    public static string Normalize(string host) => host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
}
