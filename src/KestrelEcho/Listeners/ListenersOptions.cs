namespace KestrelEcho.Listeners;

/// <summary>The <c>Listeners</c> section: named listeners by name, as <c>Listeners:&lt;name&gt;:Port</c> names them.</summary>
internal sealed class ListenersOptions : Dictionary<string, ListenerOptions>
{
    public const string SectionName = "Listeners";

    public ListenersOptions()
        : base(StringComparer.OrdinalIgnoreCase)
    {
    }
}
