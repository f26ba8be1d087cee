namespace KestrelEcho.Deploy.Tests.Infrastructure;

/// <summary>The Debian tools the deploy artefacts are checked with, run from the repository root.</summary>
public static class DeployTools
{
    public static string Haproxy => RequiredTool.Locate("haproxy", "haproxy");

    public static string Prometheus => RequiredTool.Locate("prometheus", "prometheus");

    public static string Ip => RequiredTool.Locate("ip", "iproute2");

    public static string Curl => RequiredTool.Locate("curl", "curl");

    public static Task<ToolResult> PromtoolAsync(IEnumerable<string> arguments, string? standardInput = null) =>
        ChildProcess.RunAsync(RequiredTool.Locate("promtool", "prometheus"), arguments, standardInput);

    public static Task<ToolResult> SystemdAnalyzeAsync(params string[] arguments) =>
        ChildProcess.RunAsync(RequiredTool.Locate("systemd-analyze", "systemd"), arguments);

    public static Task<ToolResult> YamllintAsync(params string[] arguments) =>
        ChildProcess.RunAsync(RequiredTool.Locate("yamllint", "yamllint"), arguments);
}
