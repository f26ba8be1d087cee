using System.Text.Json;
using System.Text.Json.Serialization;

namespace KestrelEcho.Admin;

/// <summary>Source-generated JSON for the admin endpoints' bodies: no reflection, Native AOT safe.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(ConnectionList))]
[JsonSerializable(typeof(ClosedConnectionList))]
[JsonSerializable(typeof(ConnectionDetailView))]
[JsonSerializable(typeof(ClosedConnectionCount))]
[JsonSerializable(typeof(UdpFlowList))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
