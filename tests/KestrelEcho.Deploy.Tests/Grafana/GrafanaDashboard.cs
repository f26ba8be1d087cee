using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KestrelEcho.Deploy.Tests.Grafana;

/// <summary>deploy/grafana/kestrel-echo.json read the way Grafana would: its panels' queries and its variables.</summary>
public sealed partial class GrafanaDashboard
{
    private readonly JsonNode _root;

    private GrafanaDashboard(JsonNode root) => _root = root;

    public static GrafanaDashboard Load(string path) =>
        new(JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidOperationException($"{path} is empty."));

    /// <summary>Every panel's PromQL target, rows' nested panels included.</summary>
    public IReadOnlyList<DashboardQuery> Queries =>
    [
        .. Panels(_root["panels"]!.AsArray()).SelectMany(static panel => (panel["targets"]?.AsArray() ?? []).Select(target => new DashboardQuery(
            panel["title"]!.GetValue<string>(),
            target!["refId"]!.GetValue<string>(),
            target["expr"]!.GetValue<string>()))),
    ];

    /// <summary>The query variables as (name, metric selector, label): Grafana's <c>label_values(selector, label)</c>.</summary>
    public IReadOnlyList<(string Name, string Selector, string Label)> LabelValuesVariables =>
    [
        .. _root["templating"]!["list"]!.AsArray()
            .Where(static variable => variable!["type"]!.GetValue<string>() == "query")
            .Select(static variable =>
            {
                var definition = variable!["definition"]!.GetValue<string>();
                var match = LabelValues().Match(definition);
                Assert.True(match.Success, $"variable {variable["name"]}: '{definition}' is not label_values(selector, label)");
                return (variable["name"]!.GetValue<string>(), match.Groups["selector"].Value, match.Groups["label"].Value);
            }),
    ];

    /// <summary>
    /// <paramref name="expression"/> with Grafana's variables replaced as Grafana would before sending it;
    /// a variable the map lacks fails the test.
    /// </summary>
    public static string Substitute(string expression, IReadOnlyDictionary<string, string> variables)
    {
        return Variable().Replace(expression, match =>
        {
            var name = match.Groups["braced"].Success ? match.Groups["braced"].Value : match.Groups["bare"].Value;
            Assert.True(variables.TryGetValue(name, out var value), $"`{expression}` uses ${name}, which the test does not know");
            return value;
        });
    }

    private static IEnumerable<JsonNode> Panels(JsonArray panels)
    {
        foreach (var panel in panels)
        {
            yield return panel!;
            if (panel!["panels"] is JsonArray nested)
            {
                foreach (var inner in Panels(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    [GeneratedRegex(@"^label_values\((?<selector>.+),\s*(?<label>\w+)\)$")]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"\$(?:\{(?<braced>\w+)\}|(?<bare>\w+))")]
    private static partial Regex Variable();
}
