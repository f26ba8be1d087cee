namespace KestrelEcho.Admin;

/// <summary>
/// Marks a connection the management listener accepted. It tells the admin port from the HTTP port whatever
/// the addresses and ports (even port 0), and unlike <c>RequireHost</c> it cannot be forged with a Host header.
/// </summary>
internal sealed class AdminConnectionFeature
{
    public static readonly AdminConnectionFeature Instance = new();

    private AdminConnectionFeature()
    {
    }
}
