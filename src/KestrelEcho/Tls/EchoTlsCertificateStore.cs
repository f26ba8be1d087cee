using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Tls;

/// <summary>
/// The TLS echo endpoint's certificate, reloaded when its files change: each new handshake takes the current one,
/// connections already open keep theirs. A new file that cannot be used is logged once, as one line naming the
/// setting, and the current certificate stays.
/// </summary>
/// <remarks>
/// <para>
/// The files are polled, not watched. Renewals arrive in different ways: Kubernetes swaps the <c>..data</c> symlink
/// of a mounted secret, certbot and cert-manager replace files by rename, an operator copies over them. inotify
/// (FileSystemWatcher, PhysicalFileProvider) reports each of these differently, nothing through a symlink to another
/// directory, and nothing at all on many network file systems. Hashing two files of a few KB every
/// <see cref="CheckInterval"/> sees every one of them alike, and also a copy that keeps the old size and time.
/// </para>
/// <para>
/// A change is loaded once it has stayed the same for one more check, so a certificate and key written one after the
/// other, or a file written in pieces, are loaded together rather than reported as broken in between.
/// </para>
/// <para>
/// Replaced certificates are never disposed, but left to the garbage collector: a handshake that started just before
/// the swap may still be using the old one, and renewals are far too rare for the wait to matter.
/// </para>
/// </remarks>
internal sealed partial class EchoTlsCertificateStore : IDisposable
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(2);

    private const string Unreadable = "unreadable";

    private readonly EchoTlsOptions _options;
    private readonly ILogger<EchoTlsCertificateStore> _logger;
    private readonly Lock _checking = new();
    private readonly ITimer _timer;
    private volatile SslStreamCertificateContext _current;
    private string _applied;
    private string? _pending;

    /// <summary>Loads the configured certificate; a <see cref="TlsCertificateException"/> here fails the start.</summary>
    public EchoTlsCertificateStore(IOptions<EchoTlsOptions> options, TimeProvider time, ILogger<EchoTlsCertificateStore> logger)
    {
        _options = options.Value;
        _logger = logger;

        // Before loading: a change made while loading is then seen by the first check.
        _applied = Fingerprint();
        _current = CreateContext(EchoTlsCertificate.Load(_options));
        _timer = time.CreateTimer(static store => ((EchoTlsCertificateStore)store!).Check(), this, CheckInterval, CheckInterval);
    }

    /// <summary>What a new handshake presents.</summary>
    public SslStreamCertificateContext Current => _current;

    public void Dispose() => _timer.Dispose();

    private void Check()
    {
        // A check slower than the interval (a slow disk) is not run twice at once.
        if (!_checking.TryEnter())
        {
            return;
        }

        try
        {
            var seen = Fingerprint();
            if (seen == _applied)
            {
                _pending = null;
            }
            else if (seen != _pending)
            {
                _pending = seen;
            }
            else
            {
                _applied = seen;
                _pending = null;
                Reload();
            }
        }
        finally
        {
            _checking.Exit();
        }
    }

    private void Reload()
    {
        var serving = _current.TargetCertificate;
        try
        {
            var certificate = EchoTlsCertificate.Load(_options);
            _current = CreateContext(certificate);
            LogReloaded(_logger, _options.CertificatePath, certificate.Subject, Thumbprint(certificate), certificate.NotAfter.ToUniversalTime());
        }
        catch (TlsCertificateException exception)
        {
            // The message names the setting and the problem; a stack trace would add nothing for the operator.
            LogReloadFailed(_logger, Thumbprint(serving), serving.NotAfter.ToUniversalTime(), exception.Message, exception: null);
        }
        catch (Exception exception)
        {
            // Thrown from a timer, it would end the process: a renewal gone wrong must not take the endpoint down.
            LogReloadFailed(_logger, Thumbprint(serving), serving.NotAfter.ToUniversalTime(), exception.Message, exception);
        }
    }

    private string Fingerprint() =>
        string.IsNullOrWhiteSpace(_options.KeyPath)
            ? FingerprintOf(_options.CertificatePath!)
            : $"{FingerprintOf(_options.CertificatePath!)} {FingerprintOf(_options.KeyPath)}";

    private static string FingerprintOf(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            return Convert.ToHexString(SHA256.HashData(file));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Loading reports why; here it only has to differ from any contents.
            return Unreadable;
        }
    }

    // As Kestrel does for a fixed certificate: the chain is built once per certificate, not once per handshake.
    private static SslStreamCertificateContext CreateContext(X509Certificate2 certificate) =>
        SslStreamCertificateContext.Create(certificate, additionalCertificates: null);

    private static string Thumbprint(X509Certificate2 certificate) => certificate.GetCertHashString(HashAlgorithmName.SHA256);

    [LoggerMessage(1, LogLevel.Information, "TLS certificate reloaded from {CertificatePath}: {Subject}, SHA-256 thumbprint {Thumbprint}, valid until {NotAfter:u}", EventName = "TlsCertificateReloaded")]
    private static partial void LogReloaded(ILogger logger, string? certificatePath, string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(2, LogLevel.Error, "TLS certificate not reloaded, still serving SHA-256 thumbprint {Thumbprint} valid until {NotAfter:u}: {Problem}", EventName = "TlsCertificateReloadFailed")]
    private static partial void LogReloadFailed(ILogger logger, string thumbprint, DateTime notAfter, string problem, Exception? exception);
}
