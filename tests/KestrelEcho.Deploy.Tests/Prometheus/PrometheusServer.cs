using System.Net;
using System.Text.Json;

namespace KestrelEcho.Deploy.Tests.Prometheus;

/// <summary>
/// A real Prometheus server (Debian's <c>prometheus</c>) on a free loopback port with its storage in a temporary
/// directory, and the parts of its HTTP API the tests use. Disposing stops it and deletes the storage.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly string _directory;
    private readonly HttpClient _http;

    private PrometheusServer(ChildProcess process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        _http = new HttpClient { BaseAddress = address };
    }

    /// <summary>What Prometheus has logged so far, for failure messages.</summary>
    public string Log => _process.Output;

    /// <summary>Starts Prometheus with <paramref name="configuration"/> (prometheus.yml text) and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(string configuration)
    {
        var binary = DeployTools.Prometheus;
        var directory = Directory.CreateTempSubdirectory("kestrel-echo-prometheus-").FullName;
        var configFile = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, configuration, TestContext.Current.CancellationToken);

        var address = new IPEndPoint(IPAddress.Loopback, FreePort.OnLoopback());
        string[] arguments =
        [
            $"--config.file={configFile}",
            $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address={address}",
            "--log.level=warn",
        ];
        var server = new PrometheusServer(ChildProcess.Start(binary, arguments, directory), directory, new Uri($"http://{address}"));
        try
        {
            await Poll.UntilAsync(server.IsReadyAsync, TimeSpan.FromSeconds(30), () => $"Prometheus to be ready on {address}; its log:\n{server.Log}");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Evaluates <paramref name="promQl"/> now (<c>/api/v1/query</c>) and returns the whole answer; an
    /// expression Prometheus rejects comes back with <c>status</c> <c>error</c> and its <c>error</c> text.
    /// </summary>
    public Task<JsonElement> QueryAsync(string promQl) => GetJsonAsync($"/api/v1/query?query={Uri.EscapeDataString(promQl)}");

    /// <summary>The samples of an instant query, failing the test if Prometheus rejects the expression.</summary>
    public async Task<IReadOnlyList<JsonElement>> QueryVectorAsync(string promQl)
    {
        var answer = await QueryAsync(promQl);
        Assert.True(answer.GetProperty("status").GetString() == "success", $"Prometheus rejected `{promQl}`: {answer}");
        return [.. answer.GetProperty("data").GetProperty("result").EnumerateArray()];
    }

    /// <summary>The label sets of the series <paramref name="selector"/> matches (<c>/api/v1/series</c>).</summary>
    public async Task<IReadOnlyList<JsonElement>> SeriesAsync(string selector)
    {
        var answer = await GetJsonAsync($"/api/v1/series?match[]={Uri.EscapeDataString(selector)}");
        Assert.True(answer.GetProperty("status").GetString() == "success", $"Prometheus rejected the selector `{selector}`: {answer}");
        return [.. answer.GetProperty("data").EnumerateArray()];
    }

    /// <summary>The rules Prometheus loaded, with their health and last error (<c>/api/v1/rules</c>).</summary>
    public async Task<IReadOnlyList<JsonElement>> RulesAsync()
    {
        var answer = await GetJsonAsync("/api/v1/rules");
        return [.. answer.GetProperty("data").GetProperty("groups").EnumerateArray().SelectMany(static group => group.GetProperty("rules").EnumerateArray())];
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<bool> IsReadyAsync()
    {
        if (_process.HasExited)
        {
            Assert.Fail($"Prometheus exited with {_process.ExitCode}:\n{Log}");
        }

        try
        {
            using var response = await _http.GetAsync("/-/ready", TestContext.Current.CancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private async Task<JsonElement> GetJsonAsync(string pathAndQuery)
    {
        using var response = await _http.GetAsync(pathAndQuery, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }
}
