namespace KestrelEcho.Dashboard;

/// <summary>One file of the dashboard's page, as the binary carries it.</summary>
/// <param name="Path">Where it is served, e.g. <c>/dashboard/dashboard.js</c>.</param>
/// <param name="ETag">A strong validator from its content, so a browser revalidates for the price of a 304.</param>
/// <param name="Immutable">
/// A vendored library under a folder named with its version: a new version is a new path, so browsers may keep it.
/// </param>
internal sealed record DashboardAsset(string Path, string ContentType, byte[] Content, string ETag, bool Immutable);
