using System.Text.Json;
using System.Text.Json.Serialization;

namespace KestrelEcho.Ops;

/// <summary>Source-generated JSON for every body the ops endpoint writes: no reflection, Native AOT safe.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(ConnectionList))]
[JsonSerializable(typeof(HealthReportView))]
[JsonSerializable(typeof(ClosedConnectionList))]
[JsonSerializable(typeof(ConnectionDetailView))]
internal sealed partial class OpsJsonContext : JsonSerializerContext;
