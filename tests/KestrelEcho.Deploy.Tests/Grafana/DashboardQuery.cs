namespace KestrelEcho.Deploy.Tests.Grafana;

/// <summary>One PromQL target of a Grafana panel.</summary>
public sealed record DashboardQuery(string Panel, string RefId, string Expression)
{
    public override string ToString() => $"panel '{Panel}' {RefId}";
}
