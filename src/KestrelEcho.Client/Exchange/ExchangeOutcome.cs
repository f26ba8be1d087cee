namespace KestrelEcho.Client.Exchange;

internal enum ExchangeOutcome
{
    /// <summary>Every byte came back, in order, unchanged.</summary>
    Exact,

    /// <summary>A byte came back different from the one sent.</summary>
    Mismatch,

    /// <summary>The server closed before echoing everything.</summary>
    Closed,

    /// <summary>The wait for the echo was cancelled (the timeout, or Ctrl-C).</summary>
    Cancelled,
}
