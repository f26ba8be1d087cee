using System.Net;
using KestrelEcho.Admin;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Tests.Dashboard;

/// <summary>
/// Who gets the dashboard's page (<see cref="AdminAccessRule.DecideShell"/>): the API's network rule, without the key
/// the page itself asks for. Callers from other addresses, end to end, need a network namespace (the deploy tests).
/// </summary>
public sealed class ShellAccessRuleTests
{
    private const string Key = "0123456789abcdef-shell-key";

    private static readonly HostString s_localHost = new("127.0.0.1:8080");
    private static readonly IPAddress s_remote = IPAddress.Parse("10.0.0.5");

    [Fact]
    public void NoKey_LoopbackCaller_IsAllowed()
    {
        Assert.Equal(AdminAccess.Allowed, Rule(new AdminOptions()).DecideShell(IPAddress.Loopback, s_localHost));
    }

    [Fact]
    public void NoKey_RemoteCaller_IsForbidden()
    {
        Assert.Equal(AdminAccess.Forbidden, Rule(new AdminOptions()).DecideShell(s_remote, s_localHost));
    }

    [Fact]
    public void NoKey_AllowRemote_RemoteCallerUnderAnAllowedHost_IsAllowed()
    {
        var rule = Rule(new AdminOptions { AllowRemote = true, AllowedHosts = ["echo.example"] });

        Assert.Equal(AdminAccess.Allowed, rule.DecideShell(s_remote, new HostString("echo.example:8080")));
    }

    [Fact]
    public void NoKey_RebindingHost_IsNotAllowed()
    {
        Assert.Equal(AdminAccess.HostNotAllowed, Rule(new AdminOptions()).DecideShell(IPAddress.Loopback, new HostString("attacker.example")));
    }

    [Fact]
    public void NoKey_AllowedHost_IsAllowed()
    {
        var rule = Rule(new AdminOptions { AllowedHosts = ["dashboard.internal"] });

        Assert.Equal(AdminAccess.Allowed, rule.DecideShell(IPAddress.Loopback, new HostString("dashboard.internal:8080")));
    }

    /// <summary>With a key, the page that asks for it loads anywhere: the data behind it still wants the key.</summary>
    [Fact]
    public void WithKey_AnyCallerUnderAnyHost_GetsThePage()
    {
        Assert.Equal(AdminAccess.Allowed, Rule(new AdminOptions { ApiKey = Key }).DecideShell(s_remote, new HostString("attacker.example")));
    }

    private static AdminAccessRule Rule(AdminOptions options) => new(Options.Create(options));
}
