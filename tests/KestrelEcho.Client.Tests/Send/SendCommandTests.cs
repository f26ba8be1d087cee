using System.Globalization;
using KestrelEcho.Client.Tests.Infrastructure;
using KestrelEcho.Testing;

namespace KestrelEcho.Client.Tests.Send;

public sealed class SendCommandTests(TlsEchoAppFactory app) : EchoAppTest<TlsEchoAppFactory>(app)
{
    private string EchoPort => App.EchoEndPoint.Port.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task HolaMundo_ExactEcho_Exits0AndPrintsSocketAndEcho()
    {
        var run = await ClientRun.InvokeAsync("send", "--host", "127.0.0.1", "--port", EchoPort);

        run.AssertExitCode(0);
        Assert.Equal(string.Empty, run.Error);
        Assert.Contains("socket:     InterNetwork Stream Tcp", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"local:      127\.0\.0\.1:\d+\n", run.Out);
        Assert.Contains($"remote:     {App.EchoEndPoint} (127.0.0.1:{EchoPort})", run.Out, StringComparison.Ordinal);
        Assert.Contains("sent:       10 bytes \"Hola mundo\"", run.Out, StringComparison.Ordinal);
        Assert.Contains("received:   10 bytes \"Hola mundo\"", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"round trip: \d+\.\d{3} ms", run.Out);
    }

    [Fact]
    public async Task GivenText_IsSentAsUtf8()
    {
        var run = await ClientRun.InvokeAsync("send", "ñandú", "--host", "localhost", "--port", EchoPort);

        run.AssertExitCode(0);
        Assert.Contains("received:   7 bytes \"ñandú\"", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RandomBinaryFile_ExactEcho_Exits0AndSummarisesAsHex()
    {
        var bytes = new byte[1024 * 1024];
        Random.Shared.NextBytes(bytes);
        bytes[0] = 0xFF;
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);

            var run = await ClientRun.InvokeAsync("send", "--file", path, "--host", "127.0.0.1", "--port", EchoPort);

            run.AssertExitCode(0);
            var hex = Convert.ToHexStringLower(bytes.AsSpan(0, 16));
            Assert.Contains($"sent:       1048576 bytes (binary) {hex} …", run.Out, StringComparison.Ordinal);
            Assert.Contains($"received:   1048576 bytes (binary) {hex} …", run.Out, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task StandardInput_IsSentAsBytes()
    {
        byte[] bytes = [0x00, 0xC3, 0x28, 0x0A, 0xFF];

        var run = await ClientRun.InvokeAsync(["send", "--file", "-", "--host", "127.0.0.1", "--port", EchoPort], bytes);

        run.AssertExitCode(0);
        Assert.Contains("received:   5 bytes (binary) 00c3280aff", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingListening_Exits2WithOneRefusedLine()
    {
        using var closed = new ClosedPort();

        var run = await ClientRun.InvokeAsync("send", "--host", "127.0.0.1", "--port", closed.Port.ToString(CultureInfo.InvariantCulture));

        run.AssertExitCode(2);
        Assert.Equal(string.Empty, run.Out);
        var line = Assert.Single(run.ErrorLines);
        Assert.Equal($"kestrel-echo: connection refused by 127.0.0.1:{closed.Port} (127.0.0.1)", line);
    }

    [Fact]
    public async Task ServerNeverEchoes_Exits2WithOneTimeoutLine()
    {
        using var silent = new SilentServer();

        // The timeout covers the connect too: long enough that a loaded machine still connects within it, so the
        // time runs out waiting for the echo.
        var run = await ClientRun.InvokeAsync("send", "--host", "127.0.0.1", "--port", silent.Port.ToString(CultureInfo.InvariantCulture), "--timeout", "2");

        run.AssertExitCode(2);
        var line = Assert.Single(run.ErrorLines);
        Assert.Equal("kestrel-echo: timeout: 0 of 10 bytes echoed within 2 s", line);
    }

    [Fact]
    public async Task FlippedByte_Exits1WithMismatchAtThatByte()
    {
        await using var broken = BrokenEchoServer.FlippingByte(4);

        var run = await ClientRun.InvokeAsync("send", "--host", "127.0.0.1", "--port", broken.Port.ToString(CultureInfo.InvariantCulture));

        run.AssertExitCode(1);
        var line = Assert.Single(run.ErrorLines);
        Assert.Equal("kestrel-echo: mismatch at byte 4 (sent 0x20, got 0xdf)", line);
    }

    [Fact]
    public async Task FlippedByteDeepInLargeFile_Exits1WithMismatchAtThatByte()
    {
        var bytes = new byte[3 * 1024 * 1024];
        Random.Shared.NextBytes(bytes);
        const int Offset = 2_000_001;
        var path = Path.GetTempFileName();
        await using var broken = BrokenEchoServer.FlippingByte(Offset);
        try
        {
            await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);

            var run = await ClientRun.InvokeAsync("send", "-f", path, "--host", "127.0.0.1", "--port", broken.Port.ToString(CultureInfo.InvariantCulture));

            run.AssertExitCode(1);
            var line = Assert.Single(run.ErrorLines);
            Assert.Equal($"kestrel-echo: mismatch at byte {Offset} (sent 0x{bytes[Offset]:x2}, got 0x{bytes[Offset] ^ 0xFF:x2})", line);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ServerClosesEarly_Exits1WithClosedAfterLine()
    {
        await using var broken = BrokenEchoServer.ClosingAfter(4);

        var run = await ClientRun.InvokeAsync("send", "--host", "127.0.0.1", "--port", broken.Port.ToString(CultureInfo.InvariantCulture));

        run.AssertExitCode(1);
        Assert.Contains("received:   4 bytes \"Hola\"", run.Out, StringComparison.Ordinal);
        var line = Assert.Single(run.ErrorLines);
        Assert.Equal("kestrel-echo: closed after 4 of 10 bytes", line);
    }
}
