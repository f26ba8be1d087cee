using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace KestrelEcho.Net;

/// <summary>
/// A dual-mode socket (<c>*</c> binds <c>[::]</c>) reports IPv4 peers as <c>::ffff:a.b.c.d</c>. Everything the
/// service shows, compares or limits uses the plain IPv4 form that people write and expect.
/// </summary>
internal static class IPAddressExtensions
{
    [return: NotNullIfNotNull(nameof(address))]
    public static IPAddress? Unmapped(this IPAddress? address) =>
        address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;

    [return: NotNullIfNotNull(nameof(endPoint))]
    public static IPEndPoint? Unmapped(this IPEndPoint? endPoint) =>
        endPoint is { Address.IsIPv4MappedToIPv6: true }
            ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port)
            : endPoint;
}
