using System.Net;

namespace KestrelEcho.Echo;

/// <summary>The connections closed for one reason before the echo in one interval, and by which client networks.</summary>
internal sealed class RefusalTally
{
    /// <summary>Enough to name the top sources of any real flood, while 20,000 distinct /64s cannot grow it without bound.</summary>
    private const int MaxClients = 4096;

    private readonly Dictionary<IPNetwork, int> _byClient = [];

    public int Count { get; private set; }

    public void Add(IPNetwork? client)
    {
        Count++;
        if (client is not { } network)
        {
            return;
        }

        if (_byClient.TryGetValue(network, out var count))
        {
            _byClient[network] = count + 1;
        }
        else if (_byClient.Count < MaxClients)
        {
            _byClient[network] = 1;
        }
    }

    /// <summary>The <paramref name="count"/> networks with the most, as <c>198.18.0.1 ×1200, 2001:db8:77::/64 ×300</c>.</summary>
    public string TopClients(int count)
    {
        var top = _byClient
            .OrderByDescending(static pair => pair.Value)
            .Take(count)
            .Select(static pair => $"{Display(pair.Key)} ×{pair.Value}");
        return _byClient.Count == 0 ? "no client address" : string.Join(", ", top);
    }

    private static string Display(IPNetwork network) =>
        network.PrefixLength == network.BaseAddress.GetAddressBytes().Length * 8
            ? network.BaseAddress.ToString()
            : network.ToString();
}
