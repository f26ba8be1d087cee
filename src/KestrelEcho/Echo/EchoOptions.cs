using KestrelEcho.Hosting;

namespace KestrelEcho.Echo;

/// <summary>Settings of the TCP echo endpoint, bound from the <c>Echo</c> configuration section.</summary>
internal sealed class EchoOptions
{
    public const string SectionName = "Echo";

    public string Address { get; set; } = ListenAddress.Any;

    public int Port { get; set; } = 9999;
}
