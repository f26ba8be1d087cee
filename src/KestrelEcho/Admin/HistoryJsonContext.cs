using System.Text.Json;
using System.Text.Json.Serialization;
using KestrelEcho.History;

namespace KestrelEcho.Admin;

/// <summary>Source-generated JSON for <c>/connections/history</c>: no reflection, Native AOT safe.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(HistoryPage))]
[JsonSerializable(typeof(HistorySummary))]
internal sealed partial class HistoryJsonContext : JsonSerializerContext;
