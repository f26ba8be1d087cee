using System.Net.Sockets;
using YamlDotNet.RepresentationModel;

namespace KestrelEcho.Deploy.Tests.Prometheus;

/// <summary>
/// The real service process scraped every second by a real Prometheus that runs the shipped prometheus.yml
/// (its kestrel-echo job pointed at the service) and the shipped alert rules. Traffic once: two echo clients
/// with known payloads stay connected at Echo:MaxConnections=2, and a third is refused (connection_limit).
/// </summary>
public sealed class ScrapedServiceFixture : IAsyncLifetime
{
    private readonly List<Socket> _heldClients = [];
    private ServiceProcess? _service;
    private PrometheusServer? _prometheus;

    public PrometheusServer Prometheus => _prometheus ?? throw new InvalidOperationException("Not started.");

    /// <summary>The scrape target as Prometheus labels it (<c>instance</c>).</summary>
    public string Instance { get; private set; } = "";

    /// <summary>Bytes the clients sent, each echoed back in full.</summary>
    public long BytesSent { get; private set; }

    public async ValueTask InitializeAsync()
    {
        using var timeout = TestTimeout.Start(60);
        _service = ServiceProcess.Start("--Echo:MaxConnections", "2");
        Instance = (await _service.WaitForHttpEndPointAsync()).ToString();
        _prometheus = await PrometheusServer.StartAsync(TestConfiguration(Instance));
        await Poll.UntilAsync(
            async () => await ValueAsync($"up{{job=\"{DeployPaths.Job}\"}}") == 1,
            TimeSpan.FromSeconds(30),
            () => $"Prometheus to scrape {Instance} successfully; its log:\n{Prometheus.Log}");

        foreach (var (size, seed) in ((int, int)[])[(40_000, 1), (1_234, 2)])
        {
            var client = await _service.ConnectEchoAsync(timeout.Token);
            _heldClients.Add(client);
            var payload = Payload.Random(size, seed);
            var sending = client.SendAllAsync(payload, timeout.Token);
            Assert.Equal(payload, await client.ReceiveExactlyAsync(payload.Length, timeout.Token));
            await sending;
            BytesSent += payload.Length;
        }

        using var refused = await _service.ConnectEchoAsync(timeout.Token);
        Assert.Empty(await refused.ReceiveToEndAsync(timeout.Token));
    }

    /// <summary>The value of a query's single sample, or null when the result is empty.</summary>
    public async Task<double?> ValueAsync(string promQl)
    {
        var samples = await Prometheus.QueryVectorAsync(promQl);
        return samples.Count == 0
            ? null
            : double.Parse(Assert.Single(samples).GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _heldClients)
        {
            client.Dispose();
        }

        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync();
        }

        if (_service is not null)
        {
            await _service.DisposeAsync();
        }
    }

    /// <summary>The shipped prometheus.yml, made to scrape and evaluate every second, with the service as the only target.</summary>
    private static string TestConfiguration(string target)
    {
        var root = Yaml.LoadMapping(RepositoryFiles.PathOf(DeployPaths.PrometheusConfig));
        var global = (YamlMappingNode)root.Children["global"];
        global.Children["scrape_interval"] = "1s";
        global.Children["evaluation_interval"] = "1s";
        root.Children.Remove("alerting");
        root.Children["rule_files"] = new YamlSequenceNode(new YamlScalarNode(RepositoryFiles.PathOf(DeployPaths.AlertRules)));

        var job = Assert.Single(root.Seq("scrape_configs").Children.OfType<YamlMappingNode>(), static job => job.Scalar("job_name") == DeployPaths.Job);
        job.Children["static_configs"] = new YamlSequenceNode(new YamlMappingNode("targets", new YamlSequenceNode(new YamlScalarNode(target))));
        return Yaml.Save(root);
    }
}
