using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KestrelEcho.Client.Cli;
using KestrelEcho.Client.Connections;
using KestrelEcho.Client.Exchange;

namespace KestrelEcho.Client.Send;

/// <summary>
/// <c>send --udp</c>: the payload as one datagram, and the one reply it should bring. No retry: a lost datagram is
/// itself what a user of UDP wants to see. Exit 0 for the same bytes back, 1 for different ones, 2 for no reply.
/// </summary>
/// <remarks>
/// The socket is bound but not connected: a connected UDP socket drops datagrams from any other source in the
/// kernel, so an echo that answers from the wrong address (a multi-homed server replying from its default route)
/// would look like loss. Unconnected, we see the reply and say where it came from; a NAT or stateful firewall in
/// front of a real client would drop it. The cost: a closed port's ICMP error is not reported, so it is a timeout.
/// </remarks>
internal static class UdpSend
{
    public static async Task<int> RunAsync(EchoTarget target, byte[] payload, ClientConsole console, CancellationToken cancellationToken)
    {
        if (payload.Length > UdpEndPoints.MaxPayload)
        {
            console.Fail($"{payload.Length} bytes do not fit one UDP datagram (at most {UdpEndPoints.MaxPayload})");
            return ExitCodes.WrongEcho;
        }

        var remote = await UdpEndPoints.ResolveAsync(target, cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(target.Timeout);
        using var socket = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(UdpEndPoints.SourceFor(remote), 0));

        var output = console.Out;
        await output.WriteLineAsync($"socket:     {socket.AddressFamily} {socket.SocketType} {socket.ProtocolType}");
        await output.WriteLineAsync($"local:      {socket.LocalEndPoint}");
        await output.WriteLineAsync($"remote:     {remote} ({target})");
        await output.WriteLineAsync($"sent:       {PayloadText.Describe(payload)} in one datagram");

        // One byte more than any datagram can hold, so a reply is never cut short in silence.
        var buffer = new byte[UdpEndPoints.MaxPayload + 1024];
        var started = Stopwatch.GetTimestamp();
        SocketReceiveFromResult reply;
        try
        {
            await socket.SendToAsync(payload, remote, timeout.Token);
            var anySource = new IPEndPoint(remote.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
            reply = await socket.ReceiveFromAsync(buffer, anySource, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            console.Fail($"no reply within {TimeSpanText.Seconds(target.Timeout)} (UDP: lost, filtered, rate-limited, or no UDP echo there)");
            return ExitCodes.Unreachable;
        }
        catch (SocketException exception)
        {
            console.Fail($"UDP to {remote} failed: {exception.Message}");
            return ExitCodes.Unreachable;
        }

        var roundTrip = Stopwatch.GetElapsedTime(started);
        var received = buffer[..reply.ReceivedBytes];
        var source = (IPEndPoint)reply.RemoteEndPoint;
        var sameSource = source.Equals(remote);
        await output.WriteLineAsync($"received:   {PayloadText.Describe(received)}");
        await output.WriteLineAsync($"reply from: {source}{(sameSource ? " (where we sent it)" : $" (NOT {remote}, where we sent it)")}");
        await output.WriteLineAsync($"round trip: {roundTrip.TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture)} ms");
        if (!sameSource)
        {
            await console.Error.WriteLineAsync($"kestrel-echo: warning: the reply came from {source}, not {remote}; a NAT or stateful firewall would drop it");
        }

        if (EchoComparison.Compare(payload, received) is { } failure)
        {
            console.Fail(failure);
            return ExitCodes.WrongEcho;
        }

        return ExitCodes.Success;
    }
}
