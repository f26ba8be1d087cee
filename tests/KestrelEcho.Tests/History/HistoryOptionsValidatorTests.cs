using KestrelEcho.History;

namespace KestrelEcho.Tests.History;

public sealed class HistoryOptionsValidatorTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        Assert.True(new HistoryOptionsValidator().Validate(null, new HistoryOptions()).Succeeded);
    }

    [Fact]
    public void EveryBadSetting_IsReported_ByName()
    {
        var result = new HistoryOptionsValidator().Validate(null, new HistoryOptions { Path = "/var/lib/kestrel-echo/", Retention = TimeSpan.Zero, MaxRows = 0 });

        Assert.Equal(["History:Path", "History:Retention", "History:MaxRows"], result.Failures!.Select(static failure => failure[..failure.IndexOf(' ', StringComparison.Ordinal)]));
    }
}
