namespace AppHost.Metrics;

/// <summary>
/// An observable instrument (read at each scrape, such as the GC's collection count) or a Gauge:
/// each measurement is the current value, which replaces the last.
/// </summary>
internal sealed class LastValueFamily(string name, string type, string? help) : MetricFamily(name, type, help)
{
    private readonly SeriesTable<Series> _series = new(SeriesLimit, labels => new Series(labels));

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_series.Find(tags) is { } series)
        {
            Volatile.Write(ref series.Value, value);
        }
    }

    protected override void WriteSeries(PrometheusText text)
    {
        foreach (var series in _series.All)
        {
            text.Sample(Name, series.Labels, Volatile.Read(ref series.Value));
        }
    }

    private sealed class Series(string labels)
    {
        public readonly string Labels = labels;
        public double Value;
    }
}
