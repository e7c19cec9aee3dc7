using AppHost.Metrics.Otlp;

namespace AppHost.Metrics;

/// <summary>
/// A metric of one number per series. For a Counter or UpDownCounter (<paramref name="sums"/>) each
/// measurement is a change and the series holds their sum: a Counter's only grows (a Prometheus
/// counter), an UpDownCounter's, such as active connections, goes both ways (a gauge). For an
/// observable instrument (read at each scrape, such as the GC's collection count) or a Gauge, each
/// measurement is the current value, which replaces the last.
/// </summary>
internal sealed class ValueFamily(string name, string type, string? help, bool sums) : MetricFamily(name, type, help)
{
    private readonly SeriesTable<Series> _series = new(SeriesLimit, labels => new Series(labels));

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Find(tags) is { } series)
        {
            Record(series, value);
        }
    }

    /// <summary>The series of these tags, for a caller that records to it again and again without the lookup.</summary>
    /// <returns>null once the metric has as many series as it keeps.</returns>
    public Series? Find(ReadOnlySpan<KeyValuePair<string, object?>> tags) => _series.Find(tags);

    public void Record(Series series, double value)
    {
        if (sums)
        {
            Add(ref series.Value, value);
        }
        else
        {
            Volatile.Write(ref series.Value, value);
        }
    }

    protected override void WriteSeries(PrometheusText text)
    {
        foreach (var (_, _, series) in _series.Entries)
        {
            text.Sample(Name, series.Labels, Volatile.Read(ref series.Value));
        }
    }

    protected override bool IsEmpty => _series.IsEmpty;

    protected override void WritePoints(OtlpMetricsWriter otlp)
    {
        foreach (var (_, tags, series) in _series.Entries)
        {
            otlp.NumberPoint(tags, Volatile.Read(ref series.Value));
        }
    }

    internal sealed class Series(string labels)
    {
        public readonly string Labels = labels;
        public double Value;
    }
}
