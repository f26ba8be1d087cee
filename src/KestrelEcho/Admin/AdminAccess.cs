namespace KestrelEcho.Admin;

/// <summary>What <see cref="AdminAccessRule"/> decides for one admin request.</summary>
internal enum AdminAccess
{
    Allowed,

    /// <summary>A key is configured and the request did not present it: 401.</summary>
    Unauthorized,

    /// <summary>No key is configured and the caller is not on loopback: 403.</summary>
    Forbidden,

    /// <summary>
    /// No key is configured and the Host header names neither loopback nor an <c>Admin:AllowedHosts</c> entry, as a
    /// DNS-rebinding web page's request does: 403.
    /// </summary>
    HostNotAllowed,
}
