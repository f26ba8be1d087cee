using System.Text.Json.Serialization;

namespace KestrelEcho.Client.WhoAmI;

/// <summary>Source-generated reading of the who-am-i line: the client is published with Native AOT.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(WhoAmIDocument))]
internal sealed partial class WhoAmIJsonContext : JsonSerializerContext;
