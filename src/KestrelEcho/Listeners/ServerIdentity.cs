using System.Security.Cryptography;

namespace KestrelEcho.Listeners;

/// <summary>
/// Which server answered, for WhoAmI: the host's name, and an id drawn at process start, so clients behind a balancer
/// tell instances (and restarts of one instance) apart.
/// </summary>
internal sealed class ServerIdentity
{
    public string HostName { get; } = Environment.MachineName;

    /// <summary>12 lowercase hex digits, the same for the life of the process.</summary>
    public string InstanceId { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
