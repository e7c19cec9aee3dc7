using System.Text.Json;
using System.Text.RegularExpressions;

namespace AppHost.Server.Tests.Metrics;

/// <summary>docs/grafana-dashboard.json, read as Grafana reads it: its panels and the PromQL each one sends.</summary>
public sealed partial class GrafanaDashboard
{
    private GrafanaDashboard(JsonElement root)
    {
        Root = root;
        // Rows are panels too; a collapsed row holds its panels inside it.
        Panels = [.. root.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.TryGetProperty("panels", out var inner) ? [p, .. inner.EnumerateArray()] : new[] { p })
            .Where(p => p.GetProperty("type").GetString() != "row")];
        Queries = [.. Panels.SelectMany(p => p.GetProperty("targets").EnumerateArray()
            .Select(t => new Query(p.GetProperty("title").GetString()!, t.GetProperty("refId").GetString()!, t.GetProperty("expr").GetString()!)))];
    }

    public static string FilePath { get; } = Path.Combine(RepositoryRoot.Path, "docs", "grafana-dashboard.json");

    public JsonElement Root { get; }

    /// <summary>Every panel that shows something, rows left out.</summary>
    public IReadOnlyList<JsonElement> Panels { get; }

    public IReadOnlyList<Query> Queries { get; }

    public static GrafanaDashboard Load() => new(JsonDocument.Parse(File.ReadAllText(FilePath)).RootElement);

    /// <summary>One query of one panel, with the dashboard's variables in it.</summary>
    /// <param name="Panel">The panel's title, for messages.</param>
    /// <param name="RefId">Which of the panel's queries: A, B, ...</param>
    /// <param name="Expr">The PromQL as written in the file.</param>
    public sealed record Query(string Panel, string RefId, string Expr)
    {
        /// <summary>
        /// The PromQL Grafana sends for one job and instance. <paramref name="rateInterval"/> stands for
        /// $__rate_interval, which Grafana makes at least four scrape intervals and longer for a wider time range.
        /// </summary>
        /// <exception cref="InvalidOperationException">The query uses a variable other than $job, $instance and $__rate_interval.</exception>
        public string For(string job, string instance, string rateInterval)
        {
            string expr = Expr.Replace("$__rate_interval", rateInterval, StringComparison.Ordinal)
                .Replace("$instance", instance, StringComparison.Ordinal)
                .Replace("$job", job, StringComparison.Ordinal);
            // What is left may only be label_replace's ${1}, a group of its regex, which Grafana leaves alone.
            return Variable().Match(expr) is { Success: true } unknown
                ? throw new InvalidOperationException($"panel '{Panel}' ({RefId}) uses '{unknown.Value}', which the tests do not fill in (only $job, $instance and $__rate_interval): {Expr}")
                : expr;
        }

        /// <summary>Whether it asks for automatic HTTPS's metrics, which only an app with --acme-domain has.</summary>
        public bool IsAboutAcme => Expr.Contains("apphost_acme_", StringComparison.Ordinal);

        public override string ToString() => $"panel '{Panel}' ({RefId})";
    }

    /// <summary>Every metric selector in a query, name and matchers: http_server_active_requests{job="x"}.</summary>
    public static IEnumerable<string> Selectors(string expr) => Selector().Matches(expr).Select(m => m.Value);

    [GeneratedRegex(@"\$(?!\{[0-9]+\})\{?\w+")]
    private static partial Regex Variable();

    // Our matchers hold no '}' in their values, so a selector ends at the first one.
    [GeneratedRegex(@"[a-zA-Z_:][a-zA-Z0-9_:]*\{[^}]*\}")]
    private static partial Regex Selector();
}
