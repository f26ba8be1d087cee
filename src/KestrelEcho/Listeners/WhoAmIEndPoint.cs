namespace KestrelEcho.Listeners;

/// <summary>An address and port in the WhoAmI line: <c>{"address":"127.0.0.1","port":53412}</c>.</summary>
internal sealed record WhoAmIEndPoint(string Address, int Port);
