namespace KestrelEcho.Listeners;

/// <summary>The server that answered, as <see cref="ServerIdentity"/> names it.</summary>
internal sealed record WhoAmIServer(string HostName, string InstanceId);
