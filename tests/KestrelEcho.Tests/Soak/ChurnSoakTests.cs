using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KestrelEcho.Connections;
using KestrelEcho.Net;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KestrelEcho.Tests.Soak;

/// <summary>
/// One app under mixed churn for a bounded time: echo clients verifying every byte, clients resetting
/// mid-stream, idle clients left for the sweeper, clients that connect and vanish, and the ops API polled
/// throughout. Afterwards nothing may be left open, the close reasons must add up to what the clients did,
/// and nothing may have been logged at Warning or above.
/// </summary>
/// <remarks>
/// Runs 45 s by default. Set KESTREL_ECHO_SOAK_SECONDS to soak longer on demand, e.g.
/// <c>KESTREL_ECHO_SOAK_SECONDS=900 dotnet test --filter FullyQualifiedName~ChurnSoakTests</c>; every loop's
/// count limit grows with the duration, so the time limit is the one that ends it.
/// </remarks>
[Collection(SoakGroup.Name)]
public sealed class ChurnSoakTests : FreshAppTest
{
    private const string DurationVariable = "KESTREL_ECHO_SOAK_SECONDS";
    private const int DefaultSeconds = 45;

    // Moderate for a shared 2-core machine, and far below the 20,000 open files: at most ~60 sockets per side.
    private const int EchoWorkers = 16;
    private const int Resetters = 4;
    private const int IdleClients = 24;
    private const int Vanishers = 2;
    private const int SourceAddresses = 8;
    private const int MaxConnectionsPerIp = 64;
    private const int MaxPayload = 256 * 1024;
    private const int MaxFailuresShown = 20;

    private static readonly TimeSpan s_idleTimeout = TimeSpan.FromSeconds(3);

    // Long enough for the slowest 256 KiB exchange on a loaded machine; reaching it means the connection hung.
    private static readonly TimeSpan s_stallTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<string> _failures = new();
    private readonly Stopwatch _clock = new();
    private TimeSpan _duration;
    private EchoAppFactory _app = null!;
    private long _verifiedConnections;
    private long _verifiedBytes;
    private long _resets;
    private long _resetterBytesSent;
    private long _idleCloses;
    private long _idleSamples;
    private long _vanished;
    private long _opsRequests;
    private long _slowestOpsTicks;

    private bool Running => _clock.Elapsed < _duration && _failures.IsEmpty;

    private int Seconds => (int)Math.Ceiling(_duration.TotalSeconds);

    [Fact]
    public async Task MixedChurn_EchoesEveryByte_ReapsIdlers_AndLeavesNothingBehind()
    {
        _duration = TimeSpan.FromSeconds(SoakSeconds());
        using var timeout = TestTimeout.Start(Seconds + 120);
        var app = await StartAppAsync(
            ("Echo:IdleTimeout", s_idleTimeout.ToString("c", CultureInfo.InvariantCulture)),
            ("Echo:MaxConnectionsPerIp", MaxConnectionsPerIp.ToString(CultureInfo.InvariantCulture)));
        _app = app;
        using var meter = new EchoMeterRecorder(app);
        var seed = Random.Shared.Next();

        _clock.Start();
        await Task.WhenAll(
        [
            .. Enumerable.Range(0, EchoWorkers).Select(worker => EchoWorkerAsync(worker, new Random(seed + worker), timeout.Token)),
            .. Enumerable.Range(0, Resetters).Select(resetter => ResetterAsync(resetter, new Random(seed - resetter - 1), timeout.Token)),
            .. Enumerable.Range(0, IdleClients).Select(client => IdleClientAsync(client, timeout.Token)),
            .. Enumerable.Range(0, Vanishers).Select(vanisher => VanisherAsync(vanisher, new Random(seed ^ vanisher), timeout.Token)),
            OpsMonitorAsync(timeout.Token),
        ]);
        var loadTime = _clock.Elapsed;

        var registry = app.Registry;
        await Poll.UntilAsync(() => Task.FromResult(registry.Active == 0), TimeSpan.FromSeconds(15), () => $"{registry.Active} echo connections still registered");
        await Poll.UntilAsync(
            () => Task.FromResult(meter.Closed == registry.Closed),
            TimeSpan.FromSeconds(10),
            () => $"the metrics to count {registry.Closed} closed connections (have {meter.Closed})");
        var drainTime = _clock.Elapsed - loadTime;
        var closedByReason = meter.ClosedByReason;

        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"Soak of {_duration.TotalSeconds:0} s (seed {seed}): load ran {loadTime.TotalSeconds:0.0} s, registry drained {drainTime.TotalMilliseconds:0} ms later.");
        output?.WriteLine($"Echo connections verified: {_verifiedConnections}, bytes verified: {_verifiedBytes:N0}");
        output?.WriteLine($"Resets: {_resets}, idle closes: {_idleCloses} ({_idleSamples} checked as idle_timeout), vanished: {_vanished}");
        output?.WriteLine($"Ops requests: {_opsRequests}, slowest {TimeSpan.FromTicks(_slowestOpsTicks).TotalMilliseconds:0} ms");
        output?.WriteLine($"Server: opened {registry.Opened}, closed {registry.Closed}; received {meter.Received:N0} B, sent {meter.Sent:N0} B");
        output?.WriteLine($"Closed by reason: {string.Join(", ", closedByReason.OrderBy(static pair => pair.Key, StringComparer.Ordinal).Select(static pair => $"{pair.Key} {pair.Value}"))}");

        // A reset the socket transport's send loop sees first can reach the echo loop as a plain end of stream.
        output?.WriteLine($"Resets the service recorded as client_closed: {meter.ClosedAs("client_closed") - _verifiedConnections - _vanished}");

        Assert.True(_failures.IsEmpty, $"{_failures.Count} failures under churn (seed {seed}):\n{string.Join('\n', _failures.Take(MaxFailuresShown))}");
        Assert.Empty(app.Logs.AtOrAbove(LogLevel.Warning).Select(static entry => entry.ToString()));

        Assert.True(_verifiedConnections >= 2 * Seconds, $"only {_verifiedConnections} echo connections verified in {Seconds} s");
        Assert.True(_resets > 0 && _idleCloses >= IdleClients && _vanished > 0 && _opsRequests >= 3, "a kind of client never ran");

        Assert.Equal(registry.Opened, registry.Closed);
        Assert.Equal(registry.Opened, meter.Opened);
        Assert.Equal(registry.Closed, meter.Closed);
        Assert.Equal(_verifiedConnections + _vanished + _resets + _idleCloses, registry.Opened);
        Assert.Equal(_idleCloses, meter.ClosedAs("idle_timeout"));
        Assert.Equal(_verifiedConnections + _vanished + _resets, meter.ClosedAs("client_closed") + meter.ClosedAs("client_reset"));
        Assert.InRange(meter.ClosedAs("client_reset"), 1, _resets);
        Assert.Equal(["client_closed", "client_reset", "idle_timeout"], closedByReason.Keys.Order(StringComparer.Ordinal));

        // Resetters' bytes may die in the server's buffers with the RST; verified bytes may not.
        Assert.InRange(meter.Received, _verifiedBytes, _verifiedBytes + _resetterBytesSent);
        Assert.InRange(meter.Sent, _verifiedBytes, meter.Received);
        Assert.All(
            app.Registry.Recent.Snapshot(),
            static session => Assert.Contains(session.CloseReason, new CloseReason?[] { CloseReason.ClientClosed, CloseReason.ClientReset, CloseReason.IdleTimeout }));
    }

    /// <summary>
    /// Connects, echoes one to four random payloads (written and read at once), sending the last one with a
    /// half-close after it: the connection counts only if every byte came back in order and then the FIN.
    /// </summary>
    private async Task EchoWorkerAsync(int worker, Random random, CancellationToken cancellationToken)
    {
        var payload = new byte[MaxPayload];
        var buffer = new byte[64 * 1024];
        for (var connection = 0; connection < 500 * Seconds && Running; connection++)
        {
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stall.CancelAfter(s_stallTimeout);
            using var socket = await _app.ConnectEchoAsync(stall.Token, SourceAddress(worker + connection));
            var client = (IPEndPoint)socket.LocalEndPoint!;
            var exchanges = random.Next(1, 5);
            var exchange = 0;
            var length = 0;
            long bytes = 0;
            string? mismatch = null;
            try
            {
                while (exchange < exchanges && mismatch is null)
                {
                    exchange++;
                    length = PayloadLength(random);
                    random.NextBytes(payload.AsSpan(0, length));
                    var last = exchange == exchanges;
                    var sending = SendAsync(socket, payload.AsMemory(0, length), halfClose: last, stall.Token);
                    mismatch = await ReceiveEchoAsync(socket, payload.AsMemory(0, length), buffer, thenFin: last, stall.Token);
                    if (mismatch is not null)
                    {
                        // No one reads the rest of the echo now, so the send may never finish: end it.
                        await stall.CancelAsync();
                    }

                    await sending;
                    if (mismatch is null)
                    {
                        bytes += length;
                    }
                }
            }
            catch (OperationCanceledException) when (mismatch is not null)
            {
            }
            catch (Exception exception) when (exception is SocketException or OperationCanceledException)
            {
                mismatch = exception is OperationCanceledException ? $"stalled for {s_stallTimeout.TotalSeconds:0} s" : $"{exception.GetType().Name}: {exception.Message}";
            }

            if (mismatch is not null)
            {
                _failures.Enqueue(
                    $"echo client {client} (worker {worker}, connection {connection}, exchange {exchange}/{exchanges} of {length} B, " +
                    $"{bytes} B verified before): {mismatch}; {ServerViewOf(client)}");
                return;
            }

            Interlocked.Increment(ref _verifiedConnections);
            Interlocked.Add(ref _verifiedBytes, bytes);
        }
    }

    /// <summary>Connects, sends, then resets: sometimes before reading anything, sometimes part-way through the echo.</summary>
    private async Task ResetterAsync(int resetter, Random random, CancellationToken cancellationToken)
    {
        var payload = new byte[64 * 1024];
        for (var cycle = 0; cycle < 200 * Seconds && Running; cycle++)
        {
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stall.CancelAfter(s_stallTimeout);
            var socket = await _app.ConnectEchoAsync(stall.Token, SourceAddress(resetter + cycle));
            var client = (IPEndPoint)socket.LocalEndPoint!;
            try
            {
                var length = random.Next(1, payload.Length + 1);
                random.NextBytes(payload.AsSpan(0, length));
                await socket.SendAllAsync(payload.AsMemory(0, length), stall.Token);
                Interlocked.Add(ref _resetterBytesSent, length);
                if (cycle % 2 == 1)
                {
                    await socket.ReceiveExactlyAsync(random.Next(1, length + 1), stall.Token);
                }
            }
            catch (Exception exception) when (exception is SocketException or EndOfStreamException or OperationCanceledException)
            {
                _failures.Enqueue($"resetter {client} (cycle {cycle}) failed before its reset: {exception.Message}; {ServerViewOf(client)}");
            }
            finally
            {
                socket.Reset();
            }

            Interlocked.Increment(ref _resets);
            await Task.Delay(random.Next(5, 30), cancellationToken);
        }
    }

    /// <summary>Connects and sends nothing until the service closes the connection for being idle.</summary>
    private async Task IdleClientAsync(int index, CancellationToken cancellationToken)
    {
        // Spread over one idle period, so the sweeper reaps a few at each tick rather than all at once.
        await Task.Delay(s_idleTimeout * index / IdleClients, cancellationToken);
        for (var cycle = 0; cycle < Seconds && Running; cycle++)
        {
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stall.CancelAfter(s_idleTimeout + s_stallTimeout);
            using var socket = await _app.ConnectEchoAsync(stall.Token, SourceAddress(index));
            var client = (IPEndPoint)socket.LocalEndPoint!;
            var connected = Stopwatch.GetTimestamp();
            try
            {
                var received = await socket.ReceiveToEndAsync(stall.Token);
                var heldFor = Stopwatch.GetElapsedTime(connected);

                // The service's clock starts at its accept, a little after ours; a loaded thread pool can delay ours.
                if (received.Length != 0 || heldFor < s_idleTimeout - TimeSpan.FromMilliseconds(500))
                {
                    _failures.Enqueue($"idle client {client} got {received.Length} B and end of stream after {heldFor.TotalSeconds:0.00} s; {ServerViewOf(client)}");
                    return;
                }
            }
            catch (Exception exception) when (exception is SocketException or OperationCanceledException)
            {
                _failures.Enqueue($"idle client {client} (cycle {cycle}) did not see a clean close: {exception.Message}; {ServerViewOf(client)}");
                return;
            }

            Interlocked.Increment(ref _idleCloses);
            if (cycle % 4 == 0)
            {
                var reason = await _app.CloseReasonOfAsync(socket);
                Interlocked.Increment(ref _idleSamples);
                if (reason != "idle_timeout")
                {
                    _failures.Enqueue($"idle client {client} was closed as {reason}, not idle_timeout");
                }
            }
        }
    }

    /// <summary>Connects and closes at once without a byte, as port scanners and impatient clients do.</summary>
    private async Task VanisherAsync(int vanisher, Random random, CancellationToken cancellationToken)
    {
        for (var cycle = 0; cycle < 100 * Seconds && Running; cycle++)
        {
            var socket = await _app.ConnectEchoAsync(cancellationToken, SourceAddress(vanisher + cycle));
            socket.Dispose();
            Interlocked.Increment(ref _vanished);
            await Task.Delay(random.Next(10, 40), cancellationToken);
        }
    }

    /// <summary>The ops API must keep answering while the echo port churns.</summary>
    private async Task OpsMonitorAsync(CancellationToken cancellationToken)
    {
        using var http = _app.CreateClient();
        string[] paths = ["/health", "/connections?limit=10", "/connections/recent?limit=10", "/metrics"];
        for (var round = 0; round < 2 * Seconds && Running; round++)
        {
            var path = paths[round % paths.Length];
            var started = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(path, cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var took = Stopwatch.GetElapsedTime(started);
            Interlocked.Increment(ref _opsRequests);
            InterlockedMax(ref _slowestOpsTicks, took.Ticks);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                _failures.Enqueue($"GET {path} answered {(int)response.StatusCode} after {took.TotalMilliseconds:0} ms at {_clock.Elapsed.TotalSeconds:0.0} s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    private static async Task SendAsync(Socket socket, ReadOnlyMemory<byte> payload, bool halfClose, CancellationToken cancellationToken)
    {
        await socket.SendAllAsync(payload, cancellationToken);
        if (halfClose)
        {
            socket.Shutdown(SocketShutdown.Send);
        }
    }

    /// <summary>Null when exactly <paramref name="expected"/> came back (then the FIN, if asked); else what went wrong.</summary>
    private static async Task<string?> ReceiveEchoAsync(Socket socket, ReadOnlyMemory<byte> expected, byte[] buffer, bool thenFin, CancellationToken cancellationToken)
    {
        var offset = 0;
        while (offset < expected.Length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(0, Math.Min(buffer.Length, expected.Length - offset)), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return $"end of stream after {offset} of {expected.Length} B";
            }

            var same = buffer.AsSpan(0, read).CommonPrefixLength(expected.Span.Slice(offset, read));
            if (same < read)
            {
                return $"byte {offset + same} of {expected.Length} came back as 0x{buffer[same]:x2}, sent 0x{expected.Span[offset + same]:x2}";
            }

            offset += read;
        }

        if (thenFin)
        {
            var extra = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (extra != 0)
            {
                return $"{extra} B more than sent came back before the FIN";
            }
        }

        return null;
    }

    /// <summary>What the service knows of a client's connection, for failure messages.</summary>
    private string ServerViewOf(IPEndPoint client)
    {
        var session = _app.Registry.Snapshot().Find(session => client.Equals(session.RemoteEndPoint))
            ?? _app.ClosedSessions().Find(session => client.Equals(session.RemoteEndPoint));
        return session is null
            ? "the service has no record of it"
            : $"service connection {session.Id}: {session.CloseReason?.ToName() ?? "still open"}, {session.BytesReceived} B received, {session.BytesSent} B sent";
    }

    /// <summary>Log-uniform from 1 B to 256 KiB: mostly small writes, with large ones often enough.</summary>
    private static int PayloadLength(Random random) => (int)Math.Min(MaxPayload, Math.Round(Math.Exp(random.NextDouble() * Math.Log(MaxPayload))));

    private static IPAddress SourceAddress(int index) => new([127, 0, 0, (byte)(1 + (index % SourceAddresses))]);

    private static int SoakSeconds() =>
        int.TryParse(Environment.GetEnvironmentVariable(DurationVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? seconds
            : DefaultSeconds;

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }
}
