namespace AppHost.Metrics;

/// <summary>
/// A Counter or UpDownCounter: each measurement is a change, and the series holds their sum. A
/// Counter's sum only grows (a Prometheus counter); an UpDownCounter's, such as active
/// connections, goes both ways (a gauge).
/// </summary>
internal sealed class SumFamily(string name, string type, string? help) : MetricFamily(name, type, help)
{
    private readonly SeriesTable<Series> _series = new(SeriesLimit, labels => new Series(labels));

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_series.Find(tags) is { } series)
        {
            Add(ref series.Sum, value);
        }
    }

    protected override void WriteSeries(PrometheusText text)
    {
        foreach (var series in _series.All)
        {
            text.Sample(Name, series.Labels, Volatile.Read(ref series.Sum));
        }
    }

    private sealed class Series(string labels)
    {
        public readonly string Labels = labels;
        public double Sum;
    }
}
