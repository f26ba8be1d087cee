using System.Net;
using System.Net.Sockets;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Echo;

/// <summary>Clients that write but never read hold a bounded amount of the service's memory.</summary>
public sealed class MemoryBoundTests
{
    private const int Clients = 1000;

    // Measured about 110 KiB a client (64 KiB unread input + the output pipe). Kestrel's default 1 MiB input
    // buffer gave about 1 GiB for the same 1,000 clients.
    private const long ResidentGrowthCeiling = 300L * 1024 * 1024;

    [Fact]
    public async Task ThousandClientsThatNeverRead_GrowTheServiceByAFewHundredMiBAtMost()
    {
        using var timeout = TestTimeout.Start(180);
        await using var service = ServiceProcess.Start();
        var echo = await service.WaitForEchoEndPointAsync();
        var before = service.ResidentBytes();
        var sockets = new List<Socket>(Clients);
        try
        {
            for (var i = 0; i < Clients; i++)
            {
                // Twenty source addresses keep each under the default per-address limit of 100.
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                socket.Bind(new IPEndPoint(IPAddress.Parse($"127.0.0.{1 + (i % 20)}"), 0));
                await socket.ConnectAsync(echo, timeout.Token);
                socket.Blocking = false;
            }

            var pushed = await PushUntilEveryClientIsBlockedAsync(sockets, TimeSpan.FromSeconds(90), timeout.Token);
            var growth = service.ResidentBytes() - before;

            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{Clients} non-reading clients pushed {pushed / (1024 * 1024)} MiB; service RSS grew {growth / (1024 * 1024)} MiB ({growth / Clients / 1024} KiB a client)");
            Assert.True(pushed > Clients * 256L * 1024, $"the clients pushed only {pushed} bytes: the test did not load the service");
            Assert.True(growth < ResidentGrowthCeiling, $"service RSS grew {growth / (1024 * 1024)} MiB for {Clients} non-reading clients");
        }
        finally
        {
            sockets.ForEach(static socket => socket.Reset());
        }
    }

    /// <summary>Writes to every client until none has accepted a byte for a while; returns the bytes written.</summary>
    private static async Task<long> PushUntilEveryClientIsBlockedAsync(List<Socket> sockets, TimeSpan limit, CancellationToken cancellationToken)
    {
        var chunk = new byte[64 * 1024];
        var quietRounds = new int[sockets.Count];
        var deadline = DateTime.UtcNow + limit;
        long pushed = 0;
        bool anyActive;
        do
        {
            anyActive = false;
            for (var i = 0; i < sockets.Count; i++)
            {
                if (quietRounds[i] >= 20)
                {
                    continue;
                }

                anyActive = true;
                var sent = sockets[i].Send(chunk, SocketFlags.None, out var error);
                pushed += Math.Max(sent, 0);
                quietRounds[i] = error == SocketError.WouldBlock ? quietRounds[i] + 1 : 0;
            }

            // Pacing between rounds, so "blocked" means the service stopped reading, not that we outran it.
            await Task.Delay(10, cancellationToken);
        }
        while (anyActive && DateTime.UtcNow < deadline);

        return pushed;
    }
}
