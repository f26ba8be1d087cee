namespace KestrelEcho.Deploy.Tests.Attacks;

/// <summary>What held during one attack: one row of the battery's table.</summary>
internal sealed record AttackRow(
    string Attack,
    string Settings,
    IReadOnlyDictionary<string, long> Closes,
    long PeakResidentBytes,
    int PeakOpenFiles,
    int HealthAnswered,
    TimeSpan HealthSlowest,
    long CanaryBytes,
    TimeSpan CanarySlowest,
    int LogLines,
    int RefusalLines,
    TimeSpan Duration,
    string Notes);
