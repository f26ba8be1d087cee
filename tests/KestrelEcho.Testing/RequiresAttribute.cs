using Xunit.v3;

namespace KestrelEcho.Testing;

/// <summary>
/// Marks a test that needs something beyond the .NET SDK: a Debian package (<c>haproxy</c>, <c>prometheus</c>, …)
/// or <see cref="Root"/>. It becomes the trait <c>Requires=&lt;what&gt;</c>, which ./test.sh filters on when it runs
/// as a user who cannot install what is missing. The test itself never skips: without its tool it fails and says
/// how to get it (<see cref="RequiredTool"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true)]
public sealed class RequiresAttribute(string what) : Attribute, ITraitAttribute
{
    public const string TraitName = "Requires";

    /// <summary>Network namespaces and a chrooting HAProxy need root.</summary>
    public const string Root = "root";

    public string What { get; } = what;

    public IReadOnlyCollection<KeyValuePair<string, string>> GetTraits() => [new(TraitName, What)];
}
