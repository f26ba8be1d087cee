using KestrelEcho.Net;

namespace KestrelEcho.Ops;

/// <summary>Settings of the HTTP ops endpoint (health, metrics, connections), bound from the <c>Http</c> section.</summary>
internal sealed class HttpEndpointOptions
{
    public const string SectionName = "Http";

    public string Address { get; set; } = ListenAddress.Any;

    public int Port { get; set; } = 8080;
}
