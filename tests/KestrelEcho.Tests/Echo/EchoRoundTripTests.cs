using System.Net;
using System.Text;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Echo;

public sealed class EchoRoundTripTests(EchoAppFactory app) : EchoAppTest<EchoAppFactory>(app)
{
    [Fact]
    public async Task HolaMundo_ComesBackExactly()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectEchoAsync(timeout.Token);
        var hello = Encoding.UTF8.GetBytes("Hola mundo\n");

        await socket.SendAllAsync(hello, timeout.Token);
        var echoed = await socket.ReceiveExactlyAsync(hello.Length, timeout.Token);

        Assert.Equal("Hola mundo\n", Encoding.UTF8.GetString(echoed));
    }

    [Fact]
    public async Task EveryByteValue_ComesBackUnchanged()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectEchoAsync(timeout.Token);
        var everyByte = Enumerable.Range(0, 256).Select(static value => (byte)value).ToArray();

        await socket.SendAllAsync(everyByte, timeout.Token);
        var echoed = await socket.ReceiveExactlyAsync(everyByte.Length, timeout.Token);

        Assert.Equal(everyByte, echoed);
    }

    [Fact]
    public async Task SixteenMiBRandom_WrittenAndReadConcurrently_ComesBackByteForByte()
    {
        using var timeout = TestTimeout.Start(60);
        using var socket = await App.ConnectEchoAsync(timeout.Token);
        var payload = Payload.Random(16 * 1024 * 1024, seed: 16);

        // Concurrently, or both sides' buffers fill and the exchange deadlocks by design (backpressure).
        var sending = socket.SendAllAsync(payload, timeout.Token);
        var echoed = await socket.ReceiveExactlyAsync(payload.Length, timeout.Token);
        await sending;

        Assert.True(payload.AsSpan().SequenceEqual(echoed), "the 16 MiB echo differs from what was sent");
    }

    [Fact]
    public async Task TwoHundredConcurrentClients_EachGetTheirOwnBytesBack()
    {
        using var timeout = TestTimeout.Start(60);

        var clients = Enumerable.Range(0, 200).Select(async client =>
        {
            // Four source addresses, as a load generator would use, to stay under the per-address limit.
            using var socket = await App.ConnectEchoAsync(timeout.Token, IPAddress.Parse($"127.0.0.{1 + (client % 4)}"));
            var payload = Payload.Random(32 * 1024, seed: client);
            var sending = socket.SendAllAsync(payload, timeout.Token);
            var echoed = await socket.ReceiveExactlyAsync(payload.Length, timeout.Token);
            await sending;
            return payload.AsSpan().SequenceEqual(echoed);
        });

        var verified = await Task.WhenAll(clients);

        Assert.All(verified, Assert.True);
    }
}
