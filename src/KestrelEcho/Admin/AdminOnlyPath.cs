namespace KestrelEcho.Admin;

/// <summary>
/// A path that, with <c>Admin:Port</c> set, exists only on the management port: <c>/connections</c> and everything
/// under it, and what other folders add beside it (the dashboard's page). Registered as a singleton each.
/// </summary>
/// <param name="Path">The path, or with <paramref name="Exact"/> false the prefix of whole segments.</param>
/// <param name="Exact">Only this path (<c>/</c>, which as a prefix would take everything).</param>
internal sealed record AdminOnlyPath(PathString Path, bool Exact)
{
    public bool Matches(PathString requested) => Exact ? requested.Equals(Path) : requested.StartsWithSegments(Path);
}
