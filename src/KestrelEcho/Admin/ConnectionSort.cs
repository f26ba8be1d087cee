namespace KestrelEcho.Admin;

/// <summary>What <c>GET /connections?sort=</c> orders the live connections by.</summary>
internal enum ConnectionSort
{
    Age,
    Idle,
    BytesIn,
    BytesOut,
    Remote,
}
