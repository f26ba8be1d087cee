using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Listeners;

/// <summary>The fixture with one named listener per behaviour under test, each on a port chosen at run time.</summary>
public sealed class ImpairedListenersAppFactory : EchoAppFactory
{
    public const long Rate = 20_000;
    public const int Limit = 1000;
    public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(300);

    public ImpairedListenersAppFactory()
    {
        Listener("plain");
        Listener("delay", ("Delay", "00:00:00.300"));
        Listener("jitter", ("Delay", "00:00:00.020"), ("Jitter", "00:00:00.020"));
        Listener("throttle", ("BytesPerSecond", "20000"));
        Listener("close", ("CloseAfterBytes", "1000"));
        Listener("reset", ("ResetAfterBytes", "1000"));
        Listener("drip", ("ChunkSize", "1"));
        Listener("discard", ("Mode", "Discard"));
        Listener("rst-always", ("ResetOnAcceptProbability", "1"));
        Listener("rst-never", ("ResetOnAcceptProbability", "0"));
        Listener("adjustable", ("Delay", "00:00:00.010"));
        Listener("off", ("Enabled", "false"));
    }

    private void Listener(string name, params (string Key, string Value)[] settings)
    {
        WithSetting($"Listeners:{name}:Port", "0");
        foreach (var (key, value) in settings)
        {
            WithSetting($"Listeners:{name}:{key}", value);
        }
    }
}
