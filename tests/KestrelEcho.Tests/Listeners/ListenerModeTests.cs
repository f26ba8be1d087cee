using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Listeners;

/// <summary>The modes that need settings of their own (a short idle timeout, TLS, PROXY protocol), each on a fresh app.</summary>
public sealed class ListenerModeTests : FreshAppTest
{
    private static readonly string[] s_lineMembers = ["connectionId", "listener", "transport", "client", "local", "server", "connectedAt"];

    [Fact]
    public async Task BlackHole_NeverAnswers_AndTheIdleTimeoutStillClosesIt()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:IdleTimeout", "00:00:01"), ("Listeners:hole:Port", "0"), ("Listeners:hole:Mode", "BlackHole"));
        using var socket = await app.ConnectListenerAsync("hole", timeout.Token);

        await socket.SendAllAsync("hola mundo"u8.ToArray(), timeout.Token);

        Assert.Empty(await socket.ReceiveUntilClosedAsync(timeout.Token));
        Assert.Equal("idle_timeout", await app.CloseReasonOfAsync(socket));
        var session = Assert.Single(app.ClosedSessions());
        Assert.Equal(0, session.BytesSent);

        // Not read at all: the bytes stayed in the read buffer, so none counts as received.
        Assert.Equal(0, session.BytesReceived);
    }

    [Fact]
    public async Task WhoAmI_WritesOneJsonLineNamingTheClientsOwnPort_ThenEchoes()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Listeners:who:Port", "0"), ("Listeners:who:Mode", "WhoAmI"));
        using var socket = await app.ConnectListenerAsync("who", timeout.Token);

        var line = await ReadLineAsync(socket, timeout.Token);
        await socket.AssertHolaMundoEchoedAsync(timeout.Token);

        Assert.Equal(s_lineMembers, line.EnumerateObject().Select(static member => member.Name));
        Assert.Equal("who", line.GetProperty("listener").GetString());
        Assert.Equal("tcp", line.GetProperty("transport").GetString());
        Assert.Equal(Assert.Single(app.Registry.Snapshot()).Id, line.GetProperty("connectionId").GetString());
        var client = (IPEndPoint)socket.LocalEndPoint!;
        Assert.Equal(client.Address.ToString(), line.GetProperty("client").GetProperty("address").GetString());
        Assert.Equal(client.Port, line.GetProperty("client").GetProperty("port").GetInt32());
        Assert.Equal(app.ListenerEndPoint("who").Port, line.GetProperty("local").GetProperty("port").GetInt32());
        Assert.Matches("^[0-9a-f]{12}$", line.GetProperty("server").GetProperty("instanceId").GetString());
        Assert.Equal(Environment.MachineName, line.GetProperty("server").GetProperty("hostName").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", line.GetProperty("connectedAt").GetString());
    }

    [Fact]
    public async Task WhoAmI_BehindAProxyHeader_NamesTheHeadersClientTheProxyAndTheVersion()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(
            ("Echo:ProxyProtocol", "Optional"),
            ("Echo:TrustedProxies:0", "127.0.0.1"),
            ("Listeners:who:Port", "0"),
            ("Listeners:who:Mode", "WhoAmI"));
        using var socket = await app.ConnectListenerAsync("who", timeout.Token);
        var source = new IPEndPoint(IPAddress.Parse("203.0.113.7"), 40522);
        var destination = new IPEndPoint(IPAddress.Parse("198.51.100.1"), 443);

        await socket.SendAllAsync(ProxyHeaders.V2(source, destination, ProxyHeaders.Tlv(ProxyHeaders.TypeAuthority, "example.com")), timeout.Token);
        var line = await ReadLineAsync(socket, timeout.Token);

        Assert.Equal("203.0.113.7", line.GetProperty("client").GetProperty("address").GetString());
        Assert.Equal(40522, line.GetProperty("client").GetProperty("port").GetInt32());
        Assert.Equal(443, line.GetProperty("local").GetProperty("port").GetInt32());
        var proxy = line.GetProperty("proxy");
        Assert.Equal(((IPEndPoint)socket.LocalEndPoint!).Port, proxy.GetProperty("port").GetInt32());
        Assert.Equal(2, proxy.GetProperty("version").GetInt32());
        Assert.Equal("example.com", proxy.GetProperty("tlvs").GetProperty("authority").GetString());
    }

    [Fact]
    public async Task WhoAmI_OverTls_ShowsTheProtocolAndSni()
    {
        using var timeout = TestTimeout.Start();
        using var certificate = TestCertificate.Create();
        var app = await StartAppAsync(
            ("EchoTls:CertificatePath", certificate.CertificatePemPath),
            ("EchoTls:KeyPath", certificate.KeyPemPath),
            ("Listeners:who:Port", "0"),
            ("Listeners:who:Mode", "WhoAmI"),
            ("Listeners:who:Tls", "true"));
        await using var tls = await EchoAppFactory.ConnectTlsAsync(app.ListenerEndPoint("who"), certificate.Certificate, timeout.Token, serverName: "who.test");

        var line = JsonDocument.Parse(await ReadLineAsync(tls, timeout.Token)).RootElement;

        Assert.Equal("tls", line.GetProperty("transport").GetString());
        Assert.Equal(tls.SslProtocol == System.Security.Authentication.SslProtocols.Tls13 ? "TLSv1.3" : "TLSv1.2", line.GetProperty("tls").GetProperty("protocol").GetString());
        Assert.Equal("who.test", line.GetProperty("tls").GetProperty("sni").GetString());
        Assert.Equal(tls.NegotiatedCipherSuite.ToString(), line.GetProperty("tls").GetProperty("cipher").GetString());
    }

    [Fact]
    public async Task InvalidListener_StopsTheRealServiceWithOneLineNamingTheSetting()
    {
        var line = await ServiceProcess.FailedStartLineAsync(
            "--Echo:Port", "0", "--Http:Port", "0", "--Listeners:laggy:Port", "0", "--Listeners:laggy:Delay", "00:00:00.100", "--Listeners:laggy:Jitter", "00:00:00.500");

        Assert.Equal(
            "kestrel-echo: invalid configuration: Listeners:laggy:Jitter must be a time span between 00:00:00 and the Delay (00:00:00.1000000): a chunk is never due before it arrived; got 00:00:00.5000000.",
            line);
    }

    private static async Task<JsonElement> ReadLineAsync(Socket socket, CancellationToken cancellationToken)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        return JsonDocument.Parse(await ReadLineAsync(stream, cancellationToken)).RootElement;
    }

    /// <summary>Reads byte by byte up to the newline, so nothing after the line is taken from the stream.</summary>
    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        var one = new byte[1];
        for (var i = 0; i < 4096; i++)
        {
            Assert.Equal(1, await stream.ReadAsync(one, cancellationToken));
            if (one[0] == (byte)'\n')
            {
                return Encoding.UTF8.GetString([.. line]);
            }

            line.Add(one[0]);
        }

        Assert.Fail("no line end in the first 4096 bytes");
        return "";
    }
}
