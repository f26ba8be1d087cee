namespace KestrelEcho.Client.WhoAmI;

/// <summary>An address and port as the who-am-i line writes them: <c>{"address":"127.0.0.1","port":53412}</c>.</summary>
internal sealed record WhoAmIEndPoint(string? Address, int Port)
{
    public override string ToString() => Address is not null && Address.Contains(':', StringComparison.Ordinal) ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
}
