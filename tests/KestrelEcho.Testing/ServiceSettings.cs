using KestrelEcho.Echo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Testing;

/// <summary>Settings as the service computes them from a configuration, for checking deployment artefacts against.</summary>
internal static class ServiceSettings
{
    /// <summary>The repository's appsettings.json: what the service reads when nothing overrides it.</summary>
    public static IConfiguration Shipped() => FromJson(RepositoryFiles.ReadAllText("appsettings.json"));

    public static IConfiguration FromJson(string json, IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        return new ConfigurationBuilder()
            .AddJsonStream(stream)
            // Environment variables win over the file, as in the service; "__" stands for ":".
            .AddInMemoryCollection((environment ?? new Dictionary<string, string?>())
                .ToDictionary(static pair => pair.Key.Replace("__", ":", StringComparison.Ordinal), static pair => pair.Value))
            .Build();
    }

    public static EchoOptions Echo(IConfiguration configuration) =>
        configuration.GetSection(EchoOptions.SectionName).Get<EchoOptions>() ?? new EchoOptions();

    /// <summary>
    /// How long the service may take to stop after SIGTERM: the host's shutdown timeout, sized by the service
    /// itself from Echo:DrainTimeout. A supervisor must not kill it sooner.
    /// </summary>
    public static TimeSpan ShutdownTimeout(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddEcho();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
    }
}
