using System.Text.Json;
using System.Text.Json.Serialization;

namespace KestrelEcho.Listeners;

/// <summary>Source-generated JSON for the WhoAmI line: compact, camelCase, null members left out; Native AOT safe.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WhoAmILine))]
internal sealed partial class WhoAmIJsonContext : JsonSerializerContext;
