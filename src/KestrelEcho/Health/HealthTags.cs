namespace KestrelEcho.Health;

/// <summary>Liveness apart from readiness, as Kubernetes probes expect.</summary>
internal static class HealthTags
{
    /// <summary>The process is up and serving; failing it means "restart me".</summary>
    public const string Live = "live";

    /// <summary>The service can take echo clients now; failing it means "send no one here".</summary>
    public const string Ready = "ready";
}
