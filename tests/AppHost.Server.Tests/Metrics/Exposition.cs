using System.Globalization;

namespace AppHost.Server.Tests.Metrics;

/// <summary>A scrape of /metrics, read as Prometheus reads it: one sample per line, "series value".</summary>
public sealed record Exposition(string Text)
{
    /// <summary>Every sample: the series (name and labels, as written) and its value.</summary>
    public IReadOnlyDictionary<string, double> Samples { get; } = Text.Split('\n')
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .ToDictionary(line => line[..line.LastIndexOf(' ')], line => double.Parse(line[(line.LastIndexOf(' ') + 1)..].Replace("+Inf", "Infinity", StringComparison.Ordinal), CultureInfo.InvariantCulture));

    /// <summary>The samples of one metric name (a histogram's _count, say), whatever their labels.</summary>
    public IEnumerable<KeyValuePair<string, double>> Of(string name) =>
        Samples.Where(s => s.Key == name || s.Key.StartsWith(name + "{", StringComparison.Ordinal));

    public static async Task<Exposition> ScrapeAsync(Uri metricsAddress)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return new Exposition(await client.GetStringAsync(new Uri(metricsAddress, "/metrics")));
    }
}
