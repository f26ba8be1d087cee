using System.Net;

namespace KestrelEcho.Net;

/// <summary>
/// The address an endpoint binds: <c>*</c> for every interface (IPv6 and IPv4 where the host has both),
/// or one IP literal such as <c>127.0.0.1</c> or <c>::1</c>.
/// </summary>
internal static class ListenAddress
{
    public const string Any = "*";

    public static void Validate(string section, string? address, int port, List<string> failures)
    {
        if (address != Any && !IPAddress.TryParse(address, out _))
        {
            failures.Add($"{section}:Address must be '{Any}' (every interface) or an IP address; got '{address}'.");
        }

        if (port is < IPEndPoint.MinPort or > IPEndPoint.MaxPort)
        {
            failures.Add($"{section}:Port must be between {IPEndPoint.MinPort} and {IPEndPoint.MaxPort} (0 picks a free port); got {port}.");
        }
    }
}
