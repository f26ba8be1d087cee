namespace KestrelEcho.Client.WhoAmI;

/// <summary>Which process answered: behind a load balancer, the instance id tells replicas apart.</summary>
internal sealed record WhoAmIServer(string? HostName, string? InstanceId);
