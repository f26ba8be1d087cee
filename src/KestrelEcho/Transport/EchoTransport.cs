namespace KestrelEcho.Transport;

/// <summary>Which transport the echo endpoints (plain, TLS, named listeners) run on (<c>Echo:Transport</c>). HTTP always uses sockets.</summary>
internal enum EchoTransport
{
    /// <summary>Kestrel's socket transport, as tuned in <see cref="Hosting.EchoSocketTransport"/>.</summary>
    Sockets,

    /// <summary>Our own epoll transport (<see cref="EpollTransportFactory"/>), Linux only.</summary>
    Epoll,
}
