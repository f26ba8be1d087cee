namespace KestrelEcho.Connections;

/// <summary>The last N closed connections, newest first: a fixed ring, so memory stays flat however many close.</summary>
internal sealed class RecentConnections(int capacity)
{
    private readonly Lock _lock = new();
    private readonly EchoSession?[] _ring = new EchoSession?[capacity];
    private int _next;

    public int Capacity => _ring.Length;

    public void Add(EchoSession session)
    {
        if (_ring.Length == 0)
        {
            return;
        }

        lock (_lock)
        {
            _ring[_next] = session;
            _next = (_next + 1) % _ring.Length;
        }
    }

    public List<EchoSession> Snapshot()
    {
        var newestFirst = new List<EchoSession>(_ring.Length);
        lock (_lock)
        {
            for (var i = 1; i <= _ring.Length; i++)
            {
                if (_ring[(_next - i + _ring.Length) % _ring.Length] is { } session)
                {
                    newestFirst.Add(session);
                }
            }
        }

        return newestFirst;
    }

    public EchoSession? Find(string id)
    {
        lock (_lock)
        {
            return Array.Find(_ring, session => session?.Id == id);
        }
    }
}
