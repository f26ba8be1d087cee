using System.Text.Json;
using System.Text.Json.Serialization;

namespace KestrelEcho.Listeners;

/// <summary>Source-generated JSON for <c>/listeners</c>: no reflection, Native AOT safe.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(ListenerList))]
[JsonSerializable(typeof(ListenerView))]
[JsonSerializable(typeof(ImpairmentsView))]
internal sealed partial class ListenersJsonContext : JsonSerializerContext;
