using System.Text.Json.Serialization;

namespace KestrelEcho.Client.Bench;

/// <summary>Source-generated serialization: the client is published with Native AOT, where reflection is trimmed.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BenchJson))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
