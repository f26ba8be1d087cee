namespace KestrelEcho.Udp;

/// <summary>
/// The flows heard from within <c>EchoUdp:FlowIdleTimeout</c>, at most <c>EchoUdp:MaxFlows</c>, keyed without
/// allocation. Past the bound, new sources are not remembered: they share one bucket of one client's size, so a flood
/// from spoofed addresses neither grows memory nor gets more answers than a single client. Idle flows are removed by
/// one sweep a second, not a timer each.
/// </summary>
internal sealed class UdpFlowTable(EchoUdpOptions options, TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<UdpFlowKey, UdpFlow> _flows = [];
    private readonly UdpRateLimits _limits = UdpRateLimits.Of(options);
    private readonly int _maxFlows = options.MaxFlows;
    private readonly long _frequency = timeProvider.TimestampFrequency;
    private readonly TimeSpan _idleTimeout = options.FlowIdleTimeout;
    private UdpTokenBucket _overflow = UdpTokenBucket.Full(UdpRateLimits.Of(options), timeProvider.GetTimestamp());

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _flows.Count;
            }
        }
    }

    /// <summary>
    /// Counts a datagram of <paramref name="size"/> bytes from <paramref name="source"/> to <paramref name="local"/>,
    /// and as answered when its source may have an answer; otherwise says why not.
    /// </summary>
    public UdpDropReason? Admit(in UdpFlowKey source, UInt128 local, int size, long now)
    {
        lock (_lock)
        {
            if (!_flows.TryGetValue(source, out var flow))
            {
                if (_flows.Count >= _maxFlows)
                {
                    return _overflow.TryTake(size, _limits, now, _frequency) ? null : UdpDropReason.FlowLimit;
                }

                flow = new UdpFlow(source, UdpTokenBucket.Full(_limits, now), now);
                _flows.Add(source, flow);
            }

            flow.LastSeenTimestamp = now;
            flow.LocalAddress = local;
            flow.DatagramsReceived++;
            flow.BytesReceived += size;
            if (!flow.Bucket.TryTake(size, _limits, now, _frequency))
            {
                flow.Dropped++;
                return UdpDropReason.RateLimited;
            }

            flow.DatagramsSent++;
            flow.BytesSent += size;
            return null;
        }
    }

    /// <summary>The kernel refused an answer <see cref="Admit"/> counted as sent.</summary>
    public void SendFailed(in UdpFlowKey source, int size)
    {
        lock (_lock)
        {
            if (_flows.TryGetValue(source, out var flow))
            {
                flow.DatagramsSent--;
                flow.BytesSent -= size;
                flow.Dropped++;
            }
        }
    }

    /// <summary>Forgets the flows idle for <c>EchoUdp:FlowIdleTimeout</c>, with their rate limit state.</summary>
    public void Sweep(long now)
    {
        lock (_lock)
        {
            foreach (var (key, flow) in _flows)
            {
                if (timeProvider.GetElapsedTime(flow.LastSeenTimestamp, now) >= _idleTimeout)
                {
                    _flows.Remove(key);
                }
            }
        }
    }

    public List<UdpFlowSnapshot> Snapshot(int localPort)
    {
        lock (_lock)
        {
            return [.. _flows.Values.Select(flow => new UdpFlowSnapshot(
                flow.Source.ToEndPoint(),
                new(UdpFlowKey.ToAddress(flow.LocalAddress), localPort),
                flow.FirstSeenTimestamp,
                flow.LastSeenTimestamp,
                flow.DatagramsReceived,
                flow.DatagramsSent,
                flow.BytesReceived,
                flow.BytesSent,
                flow.Dropped))];
        }
    }
}
