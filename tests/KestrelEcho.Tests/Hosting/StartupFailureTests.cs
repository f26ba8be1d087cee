using KestrelEcho.Connections;
using KestrelEcho.Echo;
using KestrelEcho.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Tests.Hosting;

/// <summary>
/// What each operator-caused start-up failure becomes. The process-level behaviour (one stderr line, exit code)
/// and the port in use are in <see cref="ServiceProcessTests"/>: under WebApplicationFactory, Program's own
/// handling hides the host.
/// </summary>
public sealed class StartupFailureTests
{
    [Fact]
    public void SeveralInvalidSections_AreReportedTogether()
    {
        var failure = new AggregateException(
            new OptionsValidationException("Echo", typeof(EchoOptions), ["Echo:Port must be between 0 and 65535 (0 picks a free port); got 70000."]),
            new OptionsValidationException("Http", typeof(object), ["Http:Address must be '*' (every interface) or an IP address; got 'x'."]));

        Assert.True(StartupFailure.TryDescribe(failure, endpoints: null, out var message));

        Assert.Equal(
            "invalid configuration: Echo:Port must be between 0 and 65535 (0 picks a free port); got 70000. Http:Address must be '*' (every interface) or an IP address; got 'x'.",
            message);
    }

    [Fact]
    public void UnconvertibleValue_NamesTheKey()
    {
        var failure = new InvalidOperationException("Failed to convert configuration value 'abc' at 'Echo:Port' to type 'System.Int32'.", new FormatException());

        Assert.True(StartupFailure.TryDescribe(failure, endpoints: null, out var message));

        Assert.Contains("'Echo:Port'", message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownEnumName_NamesTheKey()
    {
        var failure = new InvalidOperationException(
            "Failed to convert configuration value 'maybe' at 'Echo:ProxyProtocol' to type 'KestrelEcho.Proxy.ProxyProtocolMode'.",
            new ArgumentException("Requested value 'maybe' was not found."));

        Assert.True(StartupFailure.TryDescribe(failure, endpoints: null, out var message));

        Assert.Contains("'Echo:ProxyProtocol'", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnythingElse_IsLeftToCrashWithItsStackTrace()
    {
        Assert.False(StartupFailure.TryDescribe(new InvalidOperationException("a bug"), endpoints: null, out _));
        Assert.False(StartupFailure.TryDescribe(new IOException("disk"), endpoints: null, out _));
    }
}
