namespace KestrelEcho.History;

/// <summary>
/// Whether the history database works, for the health check, logging the change only: a file that cannot be written
/// fails every batch, and one line (with what was lost by the time it recovers) says more than thousands.
/// </summary>
internal sealed class HistoryStatus(HistoryDatabase database, ILogger<HistoryStatus> logger)
{
    private readonly Lock _lock = new();
    private string? _problem;
    private long _lostSinceProblem;

    /// <summary>Why the database is unusable, or null while it works.</summary>
    public string? Problem => Volatile.Read(ref _problem);

    public void Failed(Exception exception, long lost)
    {
        lock (_lock)
        {
            _lostSinceProblem += lost;
            if (_problem is null)
            {
                HistoryLog.Unusable(logger, database.Path, Describe(exception));
            }

            Volatile.Write(ref _problem, Describe(exception));
        }
    }

    /// <summary>Records lost while the database is known to be unusable (between two attempts to reopen it).</summary>
    public void Lost(long count)
    {
        lock (_lock)
        {
            _lostSinceProblem += count;
        }
    }

    public void Succeeded()
    {
        if (Problem is null)
        {
            return;
        }

        lock (_lock)
        {
            if (_problem is not null)
            {
                HistoryLog.Recovered(logger, database.Path, _lostSinceProblem);
                _lostSinceProblem = 0;
                Volatile.Write(ref _problem, null);
            }
        }
    }

    /// <summary>SQLite's and the file system's messages name the cause (e.g. "file is not a database"); a stack trace adds nothing.</summary>
    private static string Describe(Exception exception) => exception.Message;
}
