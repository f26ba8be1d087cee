using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KestrelEcho.Client.Connections;

namespace KestrelEcho.Client.Bench;

/// <summary>
/// pingpong over UDP (<c>bench --udp</c>): each of <see cref="BenchSettings.Connections"/> sockets sends a datagram of
/// <see cref="BenchSettings.Size"/> bytes carrying its sequence number and waits for the reply, at most
/// <see cref="BenchSettings.DatagramTimeout"/>; no reply by then is a lost datagram, not an error, and the socket
/// sends the next. A reply that comes after its wait is counted as late and skipped; a wrong byte or length ends the
/// run. Measures replies a second, loss, and each reply's round trip.
/// </summary>
/// <remarks>
/// Each socket is connected: the kernel then hands it only its peer's datagrams, and a closed port's ICMP error comes
/// back as "connection refused". <c>send --udp</c>, unconnected, is the tool to see a reply from the wrong address.
/// </remarks>
internal sealed class UdpPingPongBenchmark(BenchRun run) : IBenchmark
{
    private long _sent;
    private long _lost;
    private long _late;

    public async Task<BenchResult> RunAsync(CancellationToken cancellationToken)
    {
        var remote = UdpEndPoints.Choose(run.Sources.Targets, run.Target.Port);
        var sockets = new Socket?[run.Settings.Connections];
        var kernelSource = run.Sources.Count == 0 ? UdpEndPoints.SourceFor(remote) : null;
        try
        {
            for (var index = 0; index < sockets.Length; index++)
            {
                sockets[index] = Open(remote, run.Sources.For(index) ?? kernelSource!, index);
            }

            var window = run.StartWindow(run.Settings.Warmup, "measuring");
            var workers = sockets
                .Select((socket, index) => socket is null ? null : (Func<CancellationToken, Task>)(token => PingPongAsync(socket, remote, index + 1, window, token)))
                .OfType<Func<CancellationToken, Task>>();
            await BenchRun.RunWorkersAsync(workers, cancellationToken);

            var echoed = run.Latency.Count;
            return run.Result(window.Measured, echoed, echoed * run.Settings.Size, "datagram round trip") with
            {
                ConnectionsOpened = sockets.Count(socket => socket is not null),
                Datagrams = new UdpLoss(Interlocked.Read(ref _sent), Interlocked.Read(ref _lost), Interlocked.Read(ref _late)),
            };
        }
        finally
        {
            foreach (var socket in sockets.OfType<Socket>())
            {
                socket.Dispose();
                run.Counters.Disconnected();
            }
        }
    }

    private Socket? Open(IPEndPoint remote, IPAddress source, int index)
    {
        var socket = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            socket.Connect(remote);
            run.Counters.Connected();
            return socket;
        }
        catch (SocketException exception)
        {
            socket.Dispose();
            run.Counters.Error($"cannot open a UDP socket to {remote}: {exception.Message} (socket {index + 1})");
            return null;
        }
    }

    private async Task PingPongAsync(Socket socket, IPEndPoint remote, int number, BenchWindow window, CancellationToken cancellationToken)
    {
        var size = run.Settings.Size;
        var messages = new SequencedMessages(size, number, "socket", "datagram");
        var message = new byte[size];
        var expected = new byte[size];

        // One byte more than a reply should have, so a longer one shows instead of being cut to size.
        var received = new byte[size + 1];
        var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lastSent = long.MinValue;
        try
        {
            // Past the end only until one datagram of this socket counts, as DuplexLoad does for connections.
            for (long sequence = 1; !window.IsOver || !window.Measures(lastSent); sequence++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var offset = (sequence - 1) * size;
                messages.Fill(offset, message);
                lastSent = Stopwatch.GetTimestamp();
                var measured = window.Measures(lastSent);
                if (measured)
                {
                    Interlocked.Increment(ref _sent);
                }

                await socket.SendAsync(message, SocketFlags.None, cancellationToken);
                wait.CancelAfter(run.Settings.DatagramTimeout);
                var replied = await ReceiveReplyAsync(socket, messages, sequence, received, expected, wait.Token);
                if (replied)
                {
                    var echoedTimestamp = Stopwatch.GetTimestamp();
                    run.Counters.Echoed(size);
                    if (measured)
                    {
                        run.Latency.Record(lastSent, echoedTimestamp);
                    }
                }
                else
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (measured)
                    {
                        Interlocked.Increment(ref _lost);
                    }
                }

                // A wait that ran out (or ran out just as its reply came) cannot be reset, only replaced.
                if (!wait.TryReset())
                {
                    wait.Dispose();
                    wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Another socket found a wrong byte, or the user stopped the run.
        }
        catch (SocketException exception)
        {
            var why = exception.SocketErrorCode == SocketError.ConnectionRefused ? $"nothing listens on UDP {remote} (ICMP port unreachable)" : exception.Message;
            run.Counters.Error($"{why} (socket {number})");
        }
        finally
        {
            wait.Dispose();
        }
    }

    /// <summary>True when datagram <paramref name="sequence"/> came back exactly; false when its wait ran out.</summary>
    private async Task<bool> ReceiveReplyAsync(Socket socket, SequencedMessages messages, long sequence, byte[] received, byte[] expected, CancellationToken wait)
    {
        var size = run.Settings.Size;
        while (true)
        {
            int length;
            try
            {
                length = await socket.ReceiveAsync(received, SocketFlags.None, wait);
            }
            catch (OperationCanceledException) when (wait.IsCancellationRequested)
            {
                return false;
            }

            // The first eight bytes are the sequence number: a reply to a datagram whose wait already ran out.
            var replyTo = length >= sizeof(long) ? BinaryPrimitives.ReadInt64LittleEndian(received) : sequence;
            if (length == size && replyTo >= 1 && replyTo < sequence)
            {
                Verify(messages, (replyTo - 1) * size, received.AsSpan(0, length), expected);
                Interlocked.Increment(ref _late);
                continue;
            }

            if (length != size)
            {
                throw new BenchFailure($"a {length}-byte reply to a {size}-byte datagram ({messages.Name(offset: (sequence - 1) * size)})");
            }

            Verify(messages, (sequence - 1) * size, received.AsSpan(0, length), expected);
            return true;
        }
    }

    private static void Verify(SequencedMessages messages, long offset, ReadOnlySpan<byte> received, Span<byte> expected)
    {
        messages.Fill(offset, expected);
        var same = expected.CommonPrefixLength(received);
        if (same < received.Length)
        {
            throw new BenchFailure(messages.Mismatch(offset + same, expected[same], received[same]));
        }
    }
}
