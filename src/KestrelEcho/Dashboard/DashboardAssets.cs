using System.Reflection;
using System.Security.Cryptography;

namespace KestrelEcho.Dashboard;

/// <summary>
/// The page's files, embedded in the assembly (the container image holds only the binary), read once at start:
/// a few dozen kilobytes. Resource names are the paths under <c>Dashboard/Assets</c> (the project file sets them).
/// </summary>
internal sealed class DashboardAssets
{
    public const string PathPrefix = "/dashboard";

    /// <summary>The page itself, served at <c>/</c>.</summary>
    public const string IndexResource = "index.html";

    private const string ResourcePrefix = "dashboard/";
    private const string VendorPrefix = "vendor/";

    public DashboardAssets()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var assets = new List<DashboardAsset>();
        foreach (var name in assembly.GetManifestResourceNames().Where(static name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var relative = name[ResourcePrefix.Length..];
            var asset = Load(assembly, name, relative == IndexResource ? "/" : $"{PathPrefix}/{relative}", relative.StartsWith(VendorPrefix, StringComparison.Ordinal));
            if (relative == IndexResource)
            {
                Index = asset;
            }
            else
            {
                assets.Add(asset);
            }
        }

        Files = assets;
        if (Index is null)
        {
            throw new InvalidOperationException($"The dashboard's {IndexResource} is not embedded in {assembly.GetName().Name}.");
        }
    }

    public DashboardAsset Index { get; }

    /// <summary>Every other file: scripts, styles, the vendored chart library and its licence.</summary>
    public IReadOnlyList<DashboardAsset> Files { get; }

    private static DashboardAsset Load(Assembly assembly, string resource, string path, bool immutable)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded resource '{resource}' vanished.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var content = copy.ToArray();
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12))}\"";
        return new DashboardAsset(path, ContentTypeOf(resource), content, etag, immutable);
    }

    private static string ContentTypeOf(string resource) => Path.GetExtension(resource) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };
}
