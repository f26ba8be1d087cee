using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using KestrelEcho.Connections;
using KestrelEcho.Echo;
using KestrelEcho.Net;
using KestrelEcho.Ops;
using KestrelEcho.Proxy;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace KestrelEcho.Deploy.Tests.Kubernetes;

/// <summary>deploy/kubernetes rendered with kubectl kustomize, checked against what the service really does.</summary>
[Requires("kubectl")]
public sealed class KubernetesManifestTests(EchoAppFactory app) : EchoAppTest<EchoAppFactory>(app)
{
    private const string Base = "deploy/kubernetes/base";
    private const string ProxyProtocol = "deploy/kubernetes/overlays/proxy-protocol";
    private const string PrometheusOperator = "deploy/kubernetes/overlays/prometheus-operator";

    [Theory]
    [InlineData(Base)]
    [InlineData(ProxyProtocol)]
    [InlineData(PrometheusOperator)]
    public async Task Kustomization_RendersTheSameObjects_WithDebiansKubectlAndACurrentOne(string kustomization)
    {
        var debian = await KubernetesManifests.RenderAsync(kustomization, Kubectl.Debian);
        var current = await KubernetesManifests.RenderAsync(kustomization, Kubectl.Current);

        // Every other test here reads the current kubectl's render; equal objects make their checks hold for both.
        Assert.Equal(debian.Canonical(), current.Canonical());
        Assert.NotEmpty(debian.Kinds);
    }

    [Theory]
    [InlineData(Base)]
    [InlineData(ProxyProtocol)]
    [InlineData(PrometheusOperator)]
    public async Task Deployment_ListensProbesAndStops_AsTheServiceItsConfigMapConfiguresDoes(string kustomization)
    {
        var manifests = await KubernetesManifests.RenderAsync(kustomization);
        var pod = manifests.Find("Deployment", "kestrel-echo").Map("spec").Map("template").Map("spec");
        var container = pod.Seq("containers").Named("kestrel-echo");
        var settings = PodSettings(manifests, container);
        var echoPort = ServiceSettings.Echo(settings).Port;
        var httpPort = settings.GetSection(HttpEndpointOptions.SectionName).Get<HttpEndpointOptions>()!.Port;

        Assert.Equal(echoPort, container.Seq("ports").Named("echo").Number("containerPort"));
        Assert.Equal(httpPort, container.Seq("ports").Named("http").Number("containerPort"));
        Assert.Equal("/health/live", container.Map("livenessProbe").Map("httpGet").Scalar("path"));
        Assert.Equal("http", container.Map("livenessProbe").Map("httpGet").Scalar("port"));
        Assert.Equal("/health/ready", container.Map("readinessProbe").Map("httpGet").Scalar("path"));
        Assert.Equal("http", container.Map("readinessProbe").Map("httpGet").Scalar("port"));

        var preStop = TimeSpan.FromSeconds(container.Map("lifecycle").Map("preStop").Map("sleep").Number("seconds"));
        var grace = TimeSpan.FromSeconds(pod.Number("terminationGracePeriodSeconds"));
        var shutdown = ServiceSettings.ShutdownTimeout(settings);
        Assert.True(
            grace > preStop + shutdown,
            $"terminationGracePeriodSeconds {grace.TotalSeconds} s must outlast preStop ({preStop.TotalSeconds} s) plus the service's shutdown ({shutdown.TotalSeconds} s, from Echo:ShutdownDelay and Echo:DrainTimeout), or the drain is SIGKILLed");
    }

    [Theory]
    [InlineData(Base)]
    [InlineData(ProxyProtocol)]
    [InlineData(PrometheusOperator)]
    public async Task MemoryLimit_HoldsMaxConnectionsClientsThatDoNotRead(string kustomization)
    {
        var manifests = await KubernetesManifests.RenderAsync(kustomization);
        var container = manifests.Find("Deployment", "kestrel-echo").Map("spec").Map("template").Map("spec").Seq("containers").Named("kestrel-echo");
        var maxConnections = ServiceSettings.Echo(PodSettings(manifests, container)).MaxConnections;
        var worstCase = MemoryBudget.WorstCase(maxConnections);

        var limit = Quantity(container.Map("resources").Map("limits").Scalar("memory"));

        Assert.True(
            limit >= worstCase,
            $"the memory limit, {limit / (1024 * 1024)} MiB, is under the process's worst case, {worstCase / (1024 * 1024)} MiB for Echo:MaxConnections {maxConnections} clients that do not read (docs/operations.md, \"Memory per connection\"): the pod would be OOM-killed");
    }

    [Fact]
    public async Task ProbePaths_AnswerWithTheLivenessAndReadinessChecks_OnTheRealService()
    {
        var container = (await KubernetesManifests.RenderAsync(Base)).Find("Deployment", "kestrel-echo")
            .Map("spec").Map("template").Map("spec").Seq("containers").Named("kestrel-echo");
        using var http = App.CreateClient();

        Assert.Equal(["self"], await CheckNamesAsync(http, container.Map("livenessProbe").Map("httpGet").Scalar("path")));
        Assert.Equal(["echo_listener"], await CheckNamesAsync(http, container.Map("readinessProbe").Map("httpGet").Scalar("path")));
    }

    [Fact]
    public async Task Base_RunsTwoLockedDownReplicas_WithABudget_AndTheConfigWhereTheServiceReadsIt()
    {
        var manifests = await KubernetesManifests.RenderAsync(Base);
        var deployment = manifests.Find("Deployment", "kestrel-echo");
        var pod = deployment.Map("spec").Map("template").Map("spec");
        var container = pod.Seq("containers").Named("kestrel-echo");

        Assert.True(deployment.Map("spec").Number("replicas") >= 2);
        var budget = manifests.Find("PodDisruptionBudget", "kestrel-echo").Map("spec");
        Assert.True(budget.Number("maxUnavailable") < deployment.Map("spec").Number("replicas"));

        Assert.True(pod.Map("securityContext").Bool("runAsNonRoot"));
        Assert.NotEqual(0, pod.Map("securityContext").Number("runAsUser"));
        Assert.Equal("RuntimeDefault", pod.Map("securityContext").Map("seccompProfile").Scalar("type"));
        var security = container.Map("securityContext");
        Assert.True(security.Bool("readOnlyRootFilesystem"));
        Assert.False(security.Bool("allowPrivilegeEscalation"));
        Assert.Equal(["ALL"], security.Map("capabilities").Seq("drop").Children.Select(static c => ((YamlScalarNode)c).Value));

        // The service reads appsettings.json from its content root: the ConfigMap must be mounted there.
        var contentRoot = container.Seq("env").Named("ASPNETCORE_CONTENTROOT").Scalar("value");
        var configMap = manifests.FindGenerated("ConfigMap", "kestrel-echo-config").Map("metadata").Scalar("name");
        var volume = Assert.Single(pod.SeqOrEmpty("volumes"), v => v.Children.ContainsKey(new YamlScalarNode("configMap")) && v.Map("configMap").Scalar("name") == configMap).Scalar("name");
        Assert.Equal(contentRoot, container.Seq("volumeMounts").Named(volume).Scalar("mountPath"));
    }

    [Fact]
    public async Task History_IsWrittenToAWritableVolume_SinceTheRootFilesystemIsReadOnly()
    {
        var manifests = await KubernetesManifests.RenderAsync(Base);
        var pod = manifests.Find("Deployment", "kestrel-echo").Map("spec").Map("template").Map("spec");
        var container = pod.Seq("containers").Named("kestrel-echo");

        var path = container.Seq("env").Named("History__Path").Scalar("value");
        var mount = Assert.Single(container.SeqOrEmpty("volumeMounts"), mount => Path.GetDirectoryName(path) == mount.Scalar("mountPath"));
        Assert.NotEqual("true", mount.ScalarOrNull("readOnly"));
        var volume = pod.Seq("volumes").Named(mount.Scalar("name"));
        Assert.True(
            volume.Children.ContainsKey(new YamlScalarNode("emptyDir")) || volume.Children.ContainsKey(new YamlScalarNode("persistentVolumeClaim")),
            $"the history's volume '{mount.Scalar("name")}' must be an emptyDir or a PersistentVolumeClaim");
    }

    [Fact]
    public async Task ConfigMap_HoldsTheRepositorysAppSettings()
    {
        var manifests = await KubernetesManifests.RenderAsync(Base);

        var inConfigMap = manifests.FindGenerated("ConfigMap", "kestrel-echo-config").Map("data").Scalar("appsettings.json");

        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(RepositoryFiles.ReadAllText("appsettings.json")), JsonNode.Parse(inConfigMap)),
            "deploy/kubernetes/base/appsettings.json differs from the repository's appsettings.json");
    }

    /// <summary>
    /// A sidecar (a service mesh's proxy) makes every caller of the pod loopback, and loopback without a key may
    /// read /connections: so the key's Secret is required, and a pod without it does not start.
    /// </summary>
    [Theory]
    [InlineData(Base)]
    [InlineData(ProxyProtocol)]
    [InlineData(PrometheusOperator)]
    public async Task AdminApiKey_ComesFromARequiredSecret_WithNoSecretCommitted(string kustomization)
    {
        var manifests = await KubernetesManifests.RenderAsync(kustomization);
        var container = manifests.Find("Deployment", "kestrel-echo").Map("spec").Map("template").Map("spec").Seq("containers").Named("kestrel-echo");

        var apiKey = container.Seq("env").Named("Admin__ApiKey");
        var secret = apiKey.Map("valueFrom").Map("secretKeyRef");

        Assert.Null(apiKey.ScalarOrNull("value"));
        Assert.Equal("api-key", secret.Scalar("key"));
        Assert.Equal("false", secret.ScalarOrNull("optional") ?? "false");
        Assert.DoesNotContain("Secret", manifests.Kinds);
    }

    [Fact]
    public async Task Services_SendEchoClientsAndOpsTrafficToTheNamedContainerPorts()
    {
        var manifests = await KubernetesManifests.RenderAsync(Base);
        var settings = ServiceSettings.Shipped();

        var echo = manifests.Find("Service", "kestrel-echo").Map("spec").Seq("ports").Named("echo");
        var ops = manifests.Find("Service", "kestrel-echo-ops").Map("spec").Seq("ports").Named("http");

        Assert.Equal(ServiceSettings.Echo(settings).Port, echo.Number("port"));
        Assert.Equal("echo", echo.Scalar("targetPort"));
        Assert.Equal(settings.GetSection(HttpEndpointOptions.SectionName).Get<HttpEndpointOptions>()!.Port, ops.Number("port"));
        Assert.Equal("http", ops.Scalar("targetPort"));
        Assert.DoesNotContain(manifests.Find("Service", "kestrel-echo").Map("spec").Seq("ports").Children, p => p.Scalar("targetPort") == "http");
    }

    [Fact]
    public async Task Metrics_AreScrapedFromTheHttpPort_ByAnnotation_AndByTheServiceMonitor()
    {
        var manifests = await KubernetesManifests.RenderAsync(PrometheusOperator);
        var template = manifests.Find("Deployment", "kestrel-echo").Map("spec").Map("template");
        var httpPort = template.Map("spec").Seq("containers").Named("kestrel-echo").Seq("ports").Named("http").Scalar("containerPort");
        var opsService = manifests.Find("Service", "kestrel-echo-ops");
        var monitor = manifests.Find("ServiceMonitor", "kestrel-echo").Map("spec");

        var annotations = template.Map("metadata").Map("annotations");
        Assert.Equal("true", annotations.Scalar("prometheus.io/scrape"));
        Assert.Equal(httpPort, annotations.Scalar("prometheus.io/port"));
        Assert.Equal("/metrics", annotations.Scalar("prometheus.io/path"));

        var endpoint = Assert.Single(monitor.Seq("endpoints").Children);
        Assert.Equal("/metrics", endpoint.Scalar("path"));
        opsService.Map("spec").Seq("ports").Named(endpoint.Scalar("port"));
        var serviceLabels = opsService.Map("metadata").Map("labels");
        Assert.All(monitor.Map("selector").Map("matchLabels").Children, label =>
            Assert.Equal(((YamlScalarNode)label.Value).Value, serviceLabels.Scalar(((YamlScalarNode)label.Key).Value!)));
    }

    [Fact]
    public async Task ProxyProtocolOverlay_RequiresPROXYHeadersFromTrustedCidrs_BehindALoadBalancer()
    {
        var manifests = await KubernetesManifests.RenderAsync(ProxyProtocol);
        var service = manifests.Find("Service", "kestrel-echo").Map("spec");
        var container = manifests.Find("Deployment", "kestrel-echo").Map("spec").Map("template").Map("spec").Seq("containers").Named("kestrel-echo");
        var env = container.Seq("env");

        var echo = ServiceSettings.Echo(PodSettings(manifests, container));

        Assert.Equal("LoadBalancer", service.Scalar("type"));
        Assert.Equal("Local", service.Scalar("externalTrafficPolicy"));
        // The pod's settings as the service binds and validates them at start: a value it would refuse fails here.
        var validation = new EchoOptionsValidator().Validate(null, echo);
        Assert.True(validation.Succeeded, validation.FailureMessage);
        Assert.Equal(ProxyProtocolMode.Required, echo.ProxyProtocol);
        Assert.Equal([env.Named("Echo__TrustedProxies__0").Scalar("value")], echo.TrustedProxies);
        // The overlay adds to the base's environment; it must not drop the base's variables.
        env.Named("Admin__ApiKey");
        env.Named("ASPNETCORE_CONTENTROOT");
        Assert.Equal("ClusterIP", manifests.Find("Service", "kestrel-echo-ops").Map("spec").ScalarOrNull("type") ?? "ClusterIP");
    }

    /// <summary>The configuration the pod's service sees: the ConfigMap's appsettings.json under the container's env.</summary>
    private static IConfiguration PodSettings(KubernetesManifests manifests, YamlMappingNode container)
    {
        var json = manifests.FindGenerated("ConfigMap", "kestrel-echo-config").Map("data").Scalar("appsettings.json");
        var environment = container.Seq("env").Children
            .Where(static variable => variable.ScalarOrNull("value") is not null)
            .ToDictionary(static variable => variable.Scalar("name"), static variable => (string?)variable.Scalar("value"));
        return ServiceSettings.FromJson(json, environment);
    }

    /// <summary>A Kubernetes memory quantity: bytes, or with a binary suffix (Ki, Mi, Gi, Ti).</summary>
    private static long Quantity(string value)
    {
        var power = Array.IndexOf(["", "Ki", "Mi", "Gi", "Ti"], value.TrimStart("0123456789".ToCharArray()));
        Assert.True(power >= 0, $"memory quantity {value}: only plain bytes and Ki, Mi, Gi, Ti are read here");
        return long.Parse(value.TrimEnd("KMGTi".ToCharArray()), CultureInfo.InvariantCulture) << (10 * power);
    }

    private static async Task<string[]> CheckNamesAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return [.. body.GetProperty("checks").EnumerateArray().Select(static check => check.GetProperty("name").GetString() ?? "")];
    }
}
