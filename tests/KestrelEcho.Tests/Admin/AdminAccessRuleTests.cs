using System.Net;
using KestrelEcho.Admin;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace KestrelEcho.Tests.Admin;

public sealed class AdminAccessRuleTests
{
    private const string Key = "0123456789abcdef-test-key";

    private static readonly HostString s_localHost = new("127.0.0.1:8080");

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void NoKey_LoopbackCaller_IsAllowed(string remote)
    {
        Assert.Equal(AdminAccess.Allowed, Rule().Decide(IPAddress.Parse(remote), s_localHost, StringValues.Empty));
    }

    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData("192.168.1.20")]
    [InlineData("::ffff:10.0.0.5")]
    [InlineData("2001:db8::1")]
    [InlineData("0.0.0.0")]
    public void NoKey_RemoteCaller_IsForbidden(string remote)
    {
        Assert.Equal(AdminAccess.Forbidden, Rule().Decide(IPAddress.Parse(remote), s_localHost, StringValues.Empty));
    }

    [Fact]
    public void NoKey_UnknownCaller_IsForbidden()
    {
        Assert.Equal(AdminAccess.Forbidden, Rule().Decide(peerAddress: null, s_localHost, StringValues.Empty));
    }

    [Fact]
    public void NoKey_AllowRemote_LetsRemoteCallersIn()
    {
        var rule = Rule(new AdminOptions { AllowRemote = true });

        Assert.Equal(AdminAccess.Allowed, rule.Decide(IPAddress.Parse("10.0.0.5"), s_localHost, StringValues.Empty));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.0.0.5")]
    public void Key_RightBearerToken_IsAllowed_FromAnywhere(string remote)
    {
        Assert.Equal(AdminAccess.Allowed, Rule(new AdminOptions { ApiKey = Key }).Decide(IPAddress.Parse(remote), s_localHost, $"Bearer {Key}"));
    }

    [Fact]
    public void Key_SchemeIsCaseInsensitive()
    {
        Assert.Equal(AdminAccess.Allowed, Rule(new AdminOptions { ApiKey = Key }).Decide(IPAddress.Loopback, s_localHost, $"bearer {Key}"));
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

        Assert.Equal(AdminAccess.Unauthorized, rule.Decide(IPAddress.Loopback, s_localHost, authorization));
    }

    [Fact]
    public void Key_TwoAuthorizationHeaders_AreUnauthorized_EvenIfOneIsRight()
    {
        var rule = Rule(new AdminOptions { ApiKey = Key });

        Assert.Equal(AdminAccess.Unauthorized, rule.Decide(IPAddress.Loopback, s_localHost, new StringValues([$"Bearer {Key}", "Bearer other"])));
    }

    [Fact]
    public void Key_AllowRemote_DoesNotWaiveTheKey()
    {
        var rule = Rule(new AdminOptions { ApiKey = Key, AllowRemote = true });

        Assert.Equal(AdminAccess.Unauthorized, rule.Decide(IPAddress.Parse("10.0.0.5"), s_localHost, StringValues.Empty));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:8080")]
    [InlineData("LocalHost:8080")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:8080")]
    [InlineData("127.1.2.3:8080")]
    [InlineData("[::1]")]
    [InlineData("[::1]:8080")]
    public void NoKey_LoopbackHostHeader_IsAllowed(string host)
    {
        Assert.Equal(AdminAccess.Allowed, Rule().Decide(IPAddress.Loopback, new HostString(host), StringValues.Empty));
    }

    [Theory]
    [InlineData("rebind.evil.example")]
    [InlineData("rebind.evil.example:8080")]
    [InlineData("localhost.evil.example")]
    [InlineData("127.0.0.1.nip.io:8080")]
    [InlineData("192.168.1.20:8080")]
    [InlineData("[2001:db8::1]:8080")]
    public void NoKey_OtherHostHeader_FromLoopback_IsRefused(string host)
    {
        Assert.Equal(AdminAccess.HostNotAllowed, Rule().Decide(IPAddress.Loopback, new HostString(host), StringValues.Empty));
    }

    [Fact]
    public void NoKey_NoHostHeader_FromLoopback_IsAllowed()
    {
        Assert.Equal(AdminAccess.Allowed, Rule().Decide(IPAddress.Loopback, default, StringValues.Empty));
    }

    [Theory]
    [InlineData("echo-ops.internal:8080")]
    [InlineData("ECHO-OPS.internal")]
    [InlineData("[2001:db8::1]:8080")]
    public void NoKey_AllowedHostsEntry_IsAllowed_WhateverThePortOrCase(string host)
    {
        var rule = Rule(new AdminOptions { AllowedHosts = ["echo-ops.internal", "2001:db8::1"] });

        Assert.Equal(AdminAccess.Allowed, rule.Decide(IPAddress.Loopback, new HostString(host), StringValues.Empty));
    }

    [Fact]
    public void NoKey_AllowedHosts_DoNotLetRemoteCallersIn()
    {
        var rule = Rule(new AdminOptions { AllowedHosts = ["echo-ops.internal"] });

        Assert.Equal(AdminAccess.Forbidden, rule.Decide(IPAddress.Parse("10.0.0.5"), new HostString("echo-ops.internal"), StringValues.Empty));
    }

    [Fact]
    public void NoKey_AllowRemote_StillChecksTheHostHeader()
    {
        var rule = Rule(new AdminOptions { AllowRemote = true, AllowedHosts = ["echo-ops.internal"] });

        Assert.Equal(AdminAccess.Allowed, rule.Decide(IPAddress.Parse("10.0.0.5"), new HostString("echo-ops.internal:8080"), StringValues.Empty));
        Assert.Equal(AdminAccess.HostNotAllowed, rule.Decide(IPAddress.Parse("10.0.0.5"), new HostString("rebind.evil.example:8080"), StringValues.Empty));
    }

    [Theory]
    [InlineData("rebind.evil.example:8080")]
    [InlineData(null)]
    public void Key_HostHeader_DoesNotMatter(string? host)
    {
        var rule = Rule(new AdminOptions { ApiKey = Key });
        var hostHeader = host is null ? default : new HostString(host);

        Assert.Equal(AdminAccess.Allowed, rule.Decide(IPAddress.Parse("10.0.0.5"), hostHeader, $"Bearer {Key}"));
        Assert.Equal(AdminAccess.Unauthorized, rule.Decide(IPAddress.Loopback, hostHeader, StringValues.Empty));
    }

    private static AdminAccessRule Rule(AdminOptions? options = null) => new(Options.Create(options ?? new AdminOptions()));
}
