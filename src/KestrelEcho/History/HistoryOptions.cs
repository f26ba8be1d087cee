namespace KestrelEcho.History;

/// <summary>The connection history: every closed echo connection kept in a SQLite file, bound from <c>History</c>.</summary>
internal sealed class HistoryOptions
{
    public const string SectionName = "History";

    /// <summary>Off: nothing is recorded, the file is not opened, and <c>/connections/history</c> answers 404.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The database file; empty means <c>data/history.db</c> under the content root. Relative paths start there too.</summary>
    public string Path { get; set; } = "";

    /// <summary>Rows whose connection closed longer ago than this are deleted.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The oldest rows beyond this many are deleted, whatever their age: a cap on the file's size.</summary>
    public long MaxRows { get; set; } = 10_000_000;
}
