using System.Net;
using KestrelEcho.Connections;

namespace KestrelEcho.Echo;

/// <summary>
/// The counts the echo endpoints' limits compare against: every connection past the global limit, in whatever
/// stage (<see cref="EchoOptions.MaxConnections"/>), and the connections of each client network
/// (<see cref="EchoOptions.MaxConnectionsPerIp"/>). Refused connections are closed at once, never queued. One lock
/// guards both counts; it is held for a few instructions per connection.
/// </summary>
internal sealed class ConnectionAdmission(EchoSettings settings, DrainState drain)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<IPNetwork, int> _perClient = [];
    private int _open;

    /// <summary>Connections past the global limit and still open: what <see cref="EchoOptions.MaxConnections"/> limits.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Returns the refusal, or null when the connection may go on (then <see cref="Leave"/> once it closes).</summary>
    public CloseReason? TryEnter()
    {
        if (drain.IsRefusingConnections)
        {
            return CloseReason.ServerShutdown;
        }

        var limit = settings.Current.MaxConnections;
        lock (_lock)
        {
            if (_open >= limit)
            {
                return CloseReason.ConnectionLimit;
            }

            _open++;
            return null;
        }
    }

    public void Leave()
    {
        lock (_lock)
        {
            _open--;
        }
    }

    /// <summary>Counts one more connection of <paramref name="client"/>, unless it already has <paramref name="limit"/>.</summary>
    public bool TryAddClientConnection(IPNetwork client, int limit)
    {
        lock (_lock)
        {
            _perClient.TryGetValue(client, out var open);
            if (open >= limit)
            {
                return false;
            }

            _perClient[client] = open + 1;
            return true;
        }
    }

    public void RemoveClientConnection(IPNetwork client)
    {
        lock (_lock)
        {
            var stillOpen = _perClient[client] - 1;
            if (stillOpen == 0)
            {
                _perClient.Remove(client);
            }
            else
            {
                _perClient[client] = stillOpen;
            }
        }
    }
}
