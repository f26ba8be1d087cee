using KestrelEcho.Admin;

namespace KestrelEcho.Tests.Admin;

public sealed class AdminOptionsValidatorTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        Assert.True(Validate(new AdminOptions()).Succeeded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0123456789abcdef")]
    [InlineData("a-much-longer-key_with.all~kinds+of/chars=")]
    public void NoKeyOrLongEnoughKey_IsValid(string key)
    {
        Assert.True(Validate(new AdminOptions { ApiKey = key }).Succeeded);
    }

    [Theory]
    [InlineData("short-secret", "at least 16 characters")]
    [InlineData("sixteen chars ok", "printable ASCII without spaces")]
    [InlineData("clé-de-seize-caractères", "printable ASCII without spaces")]
    public void BadKey_IsRefused_NamingTheSettingButNeverTheKey(string key, string reason)
    {
        var result = Validate(new AdminOptions { ApiKey = key });

        var failure = Assert.Single(result.Failures!);
        Assert.Contains("Admin:ApiKey", failure, StringComparison.Ordinal);
        Assert.Contains(reason, failure, StringComparison.Ordinal);
        Assert.DoesNotContain(key, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryBadSetting_IsReportedAtOnce()
    {
        var result = Validate(new AdminOptions { ApiKey = "short", Port = 70000, Address = "nope" });

        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, static f => f.Contains("Admin:ApiKey", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, static f => f.Contains("Admin:Port", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, static f => f.Contains("Admin:Address", StringComparison.Ordinal));
    }

    [Fact]
    public void AllowedHosts_NamesAndAddresses_AreValid()
    {
        Assert.True(Validate(new AdminOptions { AllowedHosts = ["echo-ops.internal", "kestrel-echo-ops", "192.0.2.10", "2001:db8::1", "[2001:db8::2]"] }).Succeeded);
    }

    [Fact]
    public void AllowedHosts_WithPortSchemeOrWildcard_AreRefused_EachNamedWithItsIndex()
    {
        var result = Validate(new AdminOptions { AllowedHosts = ["ok.internal", "echo-ops.internal:8080", "http://echo-ops.internal", "*", "*.internal", ""] });

        Assert.Equal(
            ["Admin:AllowedHosts:1", "Admin:AllowedHosts:2", "Admin:AllowedHosts:3", "Admin:AllowedHosts:4", "Admin:AllowedHosts:5"],
            result.Failures!.Select(static f => f[..f.IndexOf(' ', StringComparison.Ordinal)]));
        Assert.All(result.Failures!, static f => Assert.Contains("host name or an IP address", f, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9090)]
    [InlineData(65535)]
    public void PortInRange_IsValid(int port)
    {
        Assert.True(Validate(new AdminOptions { Port = port }).Succeeded);
    }

    [Fact]
    public void Address_WithoutPort_IsUnused_AndNotChecked()
    {
        Assert.True(Validate(new AdminOptions { Address = "nope" }).Succeeded);
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(AdminOptions options) =>
        new AdminOptionsValidator().Validate(null, options);
}
