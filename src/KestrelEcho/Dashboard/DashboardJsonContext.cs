using System.Text.Json;
using System.Text.Json.Serialization;

namespace KestrelEcho.Dashboard;

/// <summary>Source-generated JSON for the dashboard's endpoints: no reflection, Native AOT safe.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(LiveTick))]
[JsonSerializable(typeof(DashboardConfigView))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;
