using System.Text.Json;
using System.Text.Json.Serialization;

namespace KestrelEcho.Health;

/// <summary>Source-generated JSON for the health report: no reflection, Native AOT safe.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(HealthReportView))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
