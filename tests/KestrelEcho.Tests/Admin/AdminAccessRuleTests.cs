using System.Net;
using KestrelEcho.Admin;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace KestrelEcho.Tests.Admin;

public sealed class AdminAccessRuleTests
{
    private const string Key = "0123456789abcdef-test-key";

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void NoKey_LoopbackCaller_IsAllowed(string remote)
    {
        Assert.Equal(AdminAccess.Allowed, Rule().Decide(IPAddress.Parse(remote), StringValues.Empty));
    }

    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData("192.168.1.20")]
    [InlineData("::ffff:10.0.0.5")]
    [InlineData("2001:db8::1")]
    [InlineData("0.0.0.0")]
    public void NoKey_RemoteCaller_IsForbidden(string remote)
    {
        Assert.Equal(AdminAccess.Forbidden, Rule().Decide(IPAddress.Parse(remote), StringValues.Empty));
    }

    [Fact]
    public void NoKey_UnknownCaller_IsForbidden()
    {
        Assert.Equal(AdminAccess.Forbidden, Rule().Decide(remoteAddress: null, StringValues.Empty));
    }

    [Fact]
    public void NoKey_AllowRemote_LetsRemoteCallersIn()
    {
        var rule = Rule(new AdminOptions { AllowRemote = true });

        Assert.Equal(AdminAccess.Allowed, rule.Decide(IPAddress.Parse("10.0.0.5"), StringValues.Empty));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.0.0.5")]
    public void Key_RightBearerToken_IsAllowed_FromAnywhere(string remote)
    {
        Assert.Equal(AdminAccess.Allowed, Rule(new AdminOptions { ApiKey = Key }).Decide(IPAddress.Parse(remote), $"Bearer {Key}"));
    }

    [Fact]
    public void Key_SchemeIsCaseInsensitive()
    {
        Assert.Equal(AdminAccess.Allowed, Rule(new AdminOptions { ApiKey = Key }).Decide(IPAddress.Loopback, $"bearer {Key}"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer wrong-key-of-some-length")]
    [InlineData("Bearer 0123456789abcdef-test-ke")]
    [InlineData("Bearer 0123456789abcdef-test-keyX")]
    [InlineData("Bearer 0123456789ABCDEF-TEST-KEY")]
    [InlineData("Basic 0123456789abcdef-test-key")]
    [InlineData("0123456789abcdef-test-key")]
    [InlineData("Bearer0123456789abcdef-test-key")]
    public void Key_MissingOrWrongToken_IsUnauthorized_EvenFromLoopback(string? authorization)
    {
        var rule = Rule(new AdminOptions { ApiKey = Key });

        Assert.Equal(AdminAccess.Unauthorized, rule.Decide(IPAddress.Loopback, authorization));
    }

    [Fact]
    public void Key_TwoAuthorizationHeaders_AreUnauthorized_EvenIfOneIsRight()
    {
        var rule = Rule(new AdminOptions { ApiKey = Key });

        Assert.Equal(AdminAccess.Unauthorized, rule.Decide(IPAddress.Loopback, new StringValues([$"Bearer {Key}", "Bearer other"])));
    }

    [Fact]
    public void Key_AllowRemote_DoesNotWaiveTheKey()
    {
        var rule = Rule(new AdminOptions { ApiKey = Key, AllowRemote = true });

        Assert.Equal(AdminAccess.Unauthorized, rule.Decide(IPAddress.Parse("10.0.0.5"), StringValues.Empty));
    }

    private static AdminAccessRule Rule(AdminOptions? options = null) => new(Options.Create(options ?? new AdminOptions()));
}
