using System.Text.Json;

namespace AppHost.Server.Tests.Metrics;

/// <summary>
/// docs/grafana-dashboard.json as a file: its queries parse, its panels ask the chosen data source,
/// and it says its units and thresholds. What its queries find in a real Prometheus is
/// <see cref="PrometheusScrapeTests.EveryDashboardQueryFindsSeriesOfTheChosenInstanceOnly"/>.
/// </summary>
public sealed class GrafanaDashboardTests
{
    private readonly GrafanaDashboard _dashboard = GrafanaDashboard.Load();

    [Fact]
    public async Task PromtoolParsesEveryQuery()
    {
        // promtool checks PromQL only as rules, so each query becomes a recording rule; JSON is YAML,
        // so the queries need no quoting of their own.
        using var folder = new TempDirectory();
        string rules = Path.Combine(folder.Path, "dashboard-rules.json");
        await File.WriteAllTextAsync(rules, JsonSerializer.Serialize(new
        {
            groups = new[]
            {
                new
                {
                    name = "grafana-dashboard",
                    rules = _dashboard.Queries.Select((q, i) => new { record = $"dashboard:query_{i}", expr = q.For("apphost", "127.0.0.1:9100", "1m") }),
                },
            },
        }));

        var check = await CommandRun.RunAsync(["promtool", "check", "rules", rules]);

        Assert.True(check.ExitCode == 0, $"promtool: exit {check.ExitCode}\n{check.Output}\n{check.Errors}");
        Assert.Contains($"SUCCESS: {_dashboard.Queries.Count} rules found", check.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryPanelAsksTheDataSourceChosenAtTheTop()
    {
        var variables = _dashboard.Root.GetProperty("templating").GetProperty("list").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!);

        Assert.Equal("prometheus", variables["DS_PROMETHEUS"].GetProperty("query").GetString());
        Assert.Equal("query", variables["job"].GetProperty("type").GetString());
        Assert.True(variables["instance"].GetProperty("multi").GetBoolean());
        Assert.All(_dashboard.Panels.SelectMany(p => p.GetProperty("targets").EnumerateArray().Append(p)),
            element => Assert.Equal("${DS_PROMETHEUS}", element.GetProperty("datasource").GetProperty("uid").GetString()));
    }

    [Fact]
    public void EveryPanelSaysItsUnit()
    {
        Assert.All(_dashboard.Panels, panel => Assert.False(
            string.IsNullOrEmpty(panel.GetProperty("fieldConfig").GetProperty("defaults").GetProperty("unit").GetString()),
            $"panel '{panel.GetProperty("title")}' has no unit"));
    }

    [Fact]
    public void CertificatePanelTurnsOrangeUnder21DaysAndRedUnder7()
    {
        var panel = Assert.Single(_dashboard.Panels, p => p.GetProperty("targets")[0].GetProperty("expr").GetString()!.Contains("apphost_certificate_expiry_timestamp_seconds", StringComparison.Ordinal));

        var steps = panel.GetProperty("fieldConfig").GetProperty("defaults").GetProperty("thresholds").GetProperty("steps").EnumerateArray()
            .Select(s => (s.GetProperty("color").GetString(), s.GetProperty("value").ValueKind == JsonValueKind.Null ? (double?)null : s.GetProperty("value").GetDouble()));
        Assert.Equal([("red", null), ("orange", 7), ("green", 21)], steps);
    }
}
