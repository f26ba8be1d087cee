using KestrelEcho.Admin;
using KestrelEcho.Echo;
using KestrelEcho.History;
using KestrelEcho.Listeners;
using KestrelEcho.Net;
using KestrelEcho.Ops;
using KestrelEcho.Tls;
using KestrelEcho.Udp;
using KestrelEcho.WebSockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Tests.Hosting;

/// <summary>The appsettings.json at the repository root, which the service reads when started as the README says.</summary>
public sealed class AppSettingsTests
{
    private static readonly IConfiguration s_shipped = new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false)
        .Build();

    [Fact]
    public void ShippedSettings_AreValid()
    {
        var echo = s_shipped.GetSection(EchoOptions.SectionName).Get<EchoOptions>()!;
        var echoTls = s_shipped.GetSection(EchoTlsOptions.SectionName).Get<EchoTlsOptions>()!;
        var http = s_shipped.GetSection(HttpEndpointOptions.SectionName).Get<HttpEndpointOptions>()!;
        var admin = s_shipped.GetSection(AdminOptions.SectionName).Get<AdminOptions>()!;
        var webSocket = s_shipped.GetSection(EchoWebSocketOptions.SectionName).Get<EchoWebSocketOptions>()!;

        Assert.True(new EchoOptionsValidator().Validate(null, echo).Succeeded);
        Assert.True(new EchoTlsOptionsValidator().Validate(null, echoTls).Succeeded);
        Assert.True(new HttpEndpointOptionsValidator().Validate(null, http).Succeeded);
        Assert.True(new AdminOptionsValidator().Validate(null, admin).Succeeded);
        Assert.True(new EchoWebSocketOptionsValidator().Validate(null, webSocket).Succeeded);
        Assert.True(new HistoryOptionsValidator().Validate(null, s_shipped.GetSection(HistoryOptions.SectionName).Get<HistoryOptions>()!).Succeeded);
        Assert.True(new EchoUdpOptionsValidator().Validate(null, s_shipped.GetSection(EchoUdpOptions.SectionName).Get<EchoUdpOptions>()!).Succeeded);
    }

    [Fact]
    public void ShippedListenerExample_IsDisabled_AndValidOnceEnabled()
    {
        var listeners = s_shipped.GetSection(ListenersOptions.SectionName).Get<ListenersOptions>()!;
        var validator = new ListenersOptionsValidator(
            Options.Create(s_shipped.GetSection(EchoOptions.SectionName).Get<EchoOptions>()!),
            Options.Create(s_shipped.GetSection(EchoTlsOptions.SectionName).Get<EchoTlsOptions>()!));

        var example = Assert.Single(listeners.Values);
        Assert.False(example.Enabled);
        example.Enabled = true;
        var result = validator.Validate(null, listeners);
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData(typeof(EchoOptions), EchoOptions.SectionName)]
    [InlineData(typeof(EchoTlsOptions), EchoTlsOptions.SectionName)]
    [InlineData(typeof(HttpEndpointOptions), HttpEndpointOptions.SectionName)]
    [InlineData(typeof(AdminOptions), AdminOptions.SectionName)]
    [InlineData(typeof(EchoWebSocketOptions), EchoWebSocketOptions.SectionName)]
    [InlineData(typeof(HistoryOptions), HistoryOptions.SectionName)]
    [InlineData(typeof(EchoUdpOptions), EchoUdpOptions.SectionName)]
    public void EverySetting_IsInTheShippedFile_WithItsDefault(Type optionsType, string section)
    {
        var shippedKeys = s_shipped.GetSection(section).GetChildren().Select(static child => child.Key).ToHashSet();
        var defaults = Activator.CreateInstance(optionsType)!;
        var shipped = Activator.CreateInstance(optionsType)!;
        s_shipped.GetSection(section).Bind(shipped);

        foreach (var property in optionsType.GetProperties().Where(static p => p.CanWrite))
        {
            Assert.Contains(property.Name, shippedKeys);
            var expected = property.GetValue(defaults);
            var actual = property.GetValue(shipped);
            Assert.True(
                Equals(expected, actual)
                    || (expected is "" && actual is null)
                    || (expected is null && actual is "")
                    || (expected is string[] expectedList && actual is string[] actualList && expectedList.SequenceEqual(actualList)),
                $"{section}:{property.Name} is '{actual}' in appsettings.json but defaults to '{expected}'");
        }
    }

    [Fact]
    public void ShippedSettings_MatchTheDocumentedDefaults()
    {
        Assert.Equal(new EchoOptions().Port, s_shipped.GetValue<int>("Echo:Port"));
        Assert.Equal(new EchoOptions().Address, s_shipped["Echo:Address"]);
        Assert.Equal(new EchoTlsOptions().Enabled, s_shipped.GetValue<bool>("EchoTls:Enabled"));
        Assert.Equal(new EchoTlsOptions().Port, s_shipped.GetValue<int>("EchoTls:Port"));
        Assert.Equal(new EchoTlsOptions().Address, s_shipped["EchoTls:Address"]);
        Assert.Equal(string.Empty, s_shipped["EchoTls:CertificatePath"]);
        Assert.Equal(string.Empty, s_shipped["EchoTls:KeyPath"]);
        Assert.Equal(string.Empty, s_shipped["EchoTls:CertificatePassword"]);
        Assert.Equal(new HttpEndpointOptions().Port, s_shipped.GetValue<int>("Http:Port"));
        Assert.Equal(new HttpEndpointOptions().Address, s_shipped["Http:Address"]);
        Assert.Equal(new AdminOptions().ApiKey, s_shipped["Admin:ApiKey"]);
        Assert.Equal(new AdminOptions().AllowRemote, s_shipped.GetValue<bool>("Admin:AllowRemote"));
        Assert.Equal(new AdminOptions().Port, s_shipped.GetValue<int?>("Admin:Port"));
        Assert.Equal(new AdminOptions().Address, s_shipped["Admin:Address"]);
        Assert.Equal(9999, new EchoOptions().Port);
        Assert.False(new EchoTlsOptions().Enabled);
        Assert.Equal(9443, new EchoTlsOptions().Port);
        Assert.Equal(8080, new HttpEndpointOptions().Port);
    }
}
