namespace KestrelEcho.Listeners;

/// <summary>What a named listener does with its connections (<c>Listeners:&lt;name&gt;:Mode</c>).</summary>
internal enum ListenerMode
{
    /// <summary>RFC 862 echo, with the listener's impairments if it has any.</summary>
    Echo,

    /// <summary>One JSON line describing the connection as the service sees it, then the echo.</summary>
    WhoAmI,

    /// <summary>RFC 863: everything is read and dropped; nothing is ever sent.</summary>
    Discard,

    /// <summary>Accepted, never read, never answered, until a timeout, the drain or an admin closes it.</summary>
    BlackHole,
}
