using System.Net;

namespace KestrelEcho.Echo;

/// <summary>
/// Decides at accept whether a connection may be echoed: not once the drain refuses, not past the global limit, not
/// past the per-address limit. Refused connections are closed at once (never queued) and counted under
/// their close reason. One lock guards both counts; it is held for a few instructions per accept.
/// </summary>
internal sealed class ConnectionAdmission(EchoSettings settings, DrainState drain)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private int _admitted;

    /// <summary>Connections admitted and still open: what <see cref="EchoOptions.MaxConnections"/> limits.</summary>
    public int Admitted => Volatile.Read(ref _admitted);

    /// <summary>Returns the refusal, or null when the connection is admitted (then <see cref="Release"/> it).</summary>
    public CloseReason? TryAdmit(IPAddress? address)
    {
        if (drain.IsRefusingConnections)
        {
            return CloseReason.ServerShutdown;
        }

        var limits = settings.Current;
        lock (_lock)
        {
            if (_admitted >= limits.MaxConnections)
            {
                return CloseReason.ConnectionLimit;
            }

            if (address is not null)
            {
                _perAddress.TryGetValue(address, out var open);
                if (limits.MaxConnectionsPerIp > 0 && open >= limits.MaxConnectionsPerIp)
                {
                    return CloseReason.PerIpLimit;
                }

                _perAddress[address] = open + 1;
            }

            _admitted++;
            return null;
        }
    }

    public void Release(IPAddress? address)
    {
        lock (_lock)
        {
            _admitted--;
            if (address is null)
            {
                return;
            }

            var stillOpen = _perAddress[address] - 1;
            if (stillOpen == 0)
            {
                _perAddress.Remove(address);
            }
            else
            {
                _perAddress[address] = stillOpen;
            }
        }
    }
}
