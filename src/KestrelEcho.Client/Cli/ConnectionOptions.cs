using System.CommandLine;
using KestrelEcho.Client.Connections;

namespace KestrelEcho.Client.Cli;

/// <summary>The options every command shares: where the echo is, how long to wait, and TLS.</summary>
internal sealed class ConnectionOptions
{
    private readonly Option<string> _host = new("--host") { Description = "Host name or address of the echo service", DefaultValueFactory = _ => "localhost" };

    private readonly Option<int> _port = new("--port", "-p") { Description = "Echo port (9443 is the usual TLS echo port)", DefaultValueFactory = _ => 9999 };

    private readonly Option<double> _timeout = new("--timeout") { Description = "Seconds to wait for the connection and the echo", DefaultValueFactory = _ => 5 };

    private readonly Option<bool> _tls = new("--tls") { Description = "Speak TLS (the service's TLS echo endpoint)" };

    private readonly Option<FileInfo> _tlsTrust = new("--tls-trust") { Description = "Trust this certificate (PEM or DER) as the only root; implies --tls" };

    private readonly Option<bool> _tlsInsecure = new("--tls-insecure") { Description = "Do not check the server's certificate; implies --tls" };

    public ConnectionOptions()
    {
        _port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 65535)
            {
                result.AddError("--port must be between 1 and 65535.");
            }
        });
        _timeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is not (> 0 and <= 86_400))
            {
                result.AddError("--timeout must be more than 0 and at most 86400 seconds.");
            }
        });
    }

    public void AddTo(Command command)
    {
        command.Options.Add(_host);
        command.Options.Add(_port);
        command.Options.Add(_timeout);
        command.Options.Add(_tls);
        command.Options.Add(_tlsTrust);
        command.Options.Add(_tlsInsecure);
    }

    /// <summary>Whether the command line named a host, rather than leaving the default.</summary>
    public bool HostGiven(ParseResult parseResult) => parseResult.GetResult(_host) is { Implicit: false };

    /// <summary>Whether the command line named a port, rather than leaving the echo port's default.</summary>
    public bool PortGiven(ParseResult parseResult) => parseResult.GetResult(_port) is { Implicit: false };

    /// <summary>The target the user asked for; says so on standard error when certificates go unchecked.</summary>
    public EchoTarget Read(ParseResult parseResult, ClientConsole console)
    {
        var trust = parseResult.GetValue(_tlsTrust);
        var insecure = parseResult.GetValue(_tlsInsecure);
        if (trust is not null && insecure)
        {
            throw new EchoClientException("--tls-trust and --tls-insecure contradict each other: choose one");
        }

        var tls = (trust, insecure, parseResult.GetValue(_tls)) switch
        {
            (not null, _, _) => TlsMode.TrustCertificate,
            (_, true, _) => TlsMode.Insecure,
            (_, _, true) => TlsMode.Validate,
            _ => TlsMode.None,
        };
        if (tls == TlsMode.Insecure)
        {
            console.Error.WriteLine("kestrel-echo: --tls-insecure: the server's certificate is NOT checked");
        }

        return new EchoTarget(
            parseResult.GetValue(_host)!,
            parseResult.GetValue(_port),
            TimeSpan.FromSeconds(parseResult.GetValue(_timeout)),
            tls,
            trust?.FullName);
    }
}
