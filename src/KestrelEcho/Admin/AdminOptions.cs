namespace KestrelEcho.Admin;

/// <summary>
/// Who may use the admin endpoints (<c>/connections</c>, which shows client addresses: personal data) and
/// where they listen, bound from the <c>Admin</c> configuration section.
/// </summary>
internal sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>Long enough that guessing over the network is hopeless; shorter keys are refused at start.</summary>
    public const int MinimumApiKeyLength = 16;

    /// <summary>
    /// When set, every admin request must carry <c>Authorization: Bearer &lt;key&gt;</c>, from loopback too.
    /// Empty means no key: the loopback rule below applies.
    /// </summary>
    public string ApiKey { get; set; } = "";

    /// <summary>Without a key, whether callers other than loopback may use the admin endpoints.</summary>
    public bool AllowRemote { get; set; }

    /// <summary>
    /// Without a key, the host names (or IP addresses) a request's Host header may name besides localhost and the
    /// loopback addresses, port aside. A web page that rebinds its own name to 127.0.0.1 still sends that name, so
    /// only the names listed here open the endpoints.
    /// </summary>
    public string[] AllowedHosts { get; set; } = [];

    /// <summary>A separate management port that alone serves the admin endpoints; null serves them on the HTTP port.</summary>
    public int? Port { get; set; }

    /// <summary>Where the management port listens; unused without <see cref="Port"/>.</summary>
    public string Address { get; set; } = "127.0.0.1";
}
