using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace KestrelEcho.Deploy.Tests.Infrastructure;

/// <summary>
/// Sockets of the test process that live in a <see cref="NetworkNamespace"/>, so the test itself can be the client of
/// a service that runs in there, from the namespace's own addresses. Linux gives a socket the network namespace of
/// the thread that creates it, for good: one dedicated thread enters the namespace (<c>setns</c>) and does nothing but
/// create sockets; connecting, sending and receiving then happen on any thread, as usual. This keeps every client,
/// its checks and its figures in the test, where a client program run with <c>ip netns exec</c> would have to report
/// them back. Disposing ends the thread; sockets already made keep working.
/// </summary>
public sealed partial class NamespaceSockets : IDisposable
{
    private const int CloneNewNet = 0x40000000;
    private const int SolIp = 0;
    private const int IpFreebind = 15;

    private readonly BlockingCollection<(AddressFamily Family, TaskCompletionSource<Socket> Created)> _requests = [];
    private readonly Thread _thread;

    private NamespaceSockets(NetworkNamespace network, TaskCompletionSource entered)
    {
        _thread = new Thread(() => Serve(network, entered)) { IsBackground = true, Name = $"sockets in {network.Name}" };
        _thread.Start();
    }

    public static async Task<NamespaceSockets> EnterAsync(NetworkNamespace network)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sockets = new NamespaceSockets(network, entered);
        try
        {
            await entered.Task;
            return sockets;
        }
        catch
        {
            sockets.Dispose();
            throw;
        }
    }

    /// <summary>A new TCP socket in the namespace (not yet bound or connected), with Nagle off.</summary>
    public async Task<Socket> CreateAsync(AddressFamily family)
    {
        var created = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Add((family, created));
        return await created.Task;
    }

    /// <summary>
    /// A socket connected to <paramref name="endPoint"/> from <paramref name="source"/> when given, which need not be
    /// an address of the namespace's interfaces, only routed to it as local (<see cref="NetworkNamespace.AddLocalRouteAsync"/>).
    /// <paramref name="beforeConnect"/> sets what must be set before the handshake (buffer sizes).
    /// </summary>
    public async Task<Socket> ConnectAsync(
        IPEndPoint endPoint, CancellationToken cancellationToken, IPAddress? source = null, Action<Socket>? beforeConnect = null)
    {
        var socket = await CreateAsync(endPoint.AddressFamily);
        try
        {
            beforeConnect?.Invoke(socket);
            if (source is not null)
            {
                // IPv6 binds only addresses of an interface, unless told the address will be there (Linux: also IPv6 sockets).
                socket.SetRawSocketOption(SolIp, IpFreebind, BitConverter.GetBytes(1));
                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(endPoint, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>An HTTP client whose connections are made in the namespace.</summary>
    public HttpClient CreateHttpClient(IPEndPoint endPoint, TimeSpan timeout) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
            new NetworkStream(await ConnectAsync(endPoint, cancellationToken), ownsSocket: true),
    })
    {
        BaseAddress = new Uri($"http://{endPoint}"),
        Timeout = timeout,
    };

    public void Dispose()
    {
        _requests.CompleteAdding();
        _thread.Join();
        _requests.Dispose();
    }

    private void Serve(NetworkNamespace network, TaskCompletionSource entered)
    {
        try
        {
            using var handle = File.OpenHandle(network.Path);
            if (SetNamespace(handle.DangerousGetHandle(), CloneNewNet) != 0)
            {
                throw new InvalidOperationException($"setns({network.Path}) failed: errno {Marshal.GetLastPInvokeError()}");
            }

            entered.SetResult();
        }
        catch (Exception exception)
        {
            entered.SetException(exception);
            return;
        }

        foreach (var (family, created) in _requests.GetConsumingEnumerable())
        {
            try
            {
                created.SetResult(new Socket(family, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });
            }
            catch (Exception exception)
            {
                created.SetException(exception);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNamespace(IntPtr fd, int namespaceType);
}
