using AppHost.Metrics.Otlp;

namespace AppHost.Metrics;

/// <summary>
/// A Histogram: per series, how many measurements fell at or below each bound, their count and
/// their sum. Prometheus computes percentiles from the buckets (histogram_quantile).
/// </summary>
internal sealed class HistogramFamily : MetricFamily
{
    private readonly double[] _bounds;
    private readonly string[] _boundTexts;
    private readonly SeriesTable<Series> _series;

    // The sample lines' names, made once rather than at every line of every scrape.
    private readonly string _bucketName, _sumName, _countName;

    /// <param name="name">The metric's name, without _bucket.</param>
    /// <param name="help">The instrument's description.</param>
    /// <param name="bounds">The buckets' upper bounds, ascending; +Inf is added.</param>
    public HistogramFamily(string name, string? help, double[] bounds) : base(name, "histogram", help)
    {
        _bounds = bounds;
        _boundTexts = Array.ConvertAll(bounds, PrometheusText.Number);
        _series = new(SeriesLimit, labels => new Series(labels, bounds.Length + 1));
        (_bucketName, _sumName, _countName) = (name + "_bucket", name + "_sum", name + "_count");
    }

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
        // The first bound at or above the value (Prometheus's buckets are "less than or equal"); the last bucket is +Inf.
        int bucket = 0;
        while (bucket < _bounds.Length && value > _bounds[bucket])
        {
            bucket++;
        }

        Interlocked.Increment(ref series.Buckets[bucket]);
        Add(ref series.Sum, value);
    }

    protected override void WriteSeries(PrometheusText text)
    {
        foreach (var (_, _, series) in _series.Entries)
        {
            // Cumulative, and _count is the +Inf bucket, so the two agree even while requests are recorded during the scrape.
            long cumulative = 0;
            for (int i = 0; i < _bounds.Length; i++)
            {
                cumulative += Volatile.Read(ref series.Buckets[i]);
                text.Sample(_bucketName, series.Labels, cumulative, ("le", _boundTexts[i]));
            }

            cumulative += Volatile.Read(ref series.Buckets[_bounds.Length]);
            text.Sample(_bucketName, series.Labels, cumulative, ("le", "+Inf"));
            text.Sample(_sumName, series.Labels, Volatile.Read(ref series.Sum));
            text.Sample(_countName, series.Labels, cumulative);
        }
    }

    protected override bool IsEmpty => _series.IsEmpty;

    protected override void WritePoints(OtlpMetricsWriter otlp)
    {
        // Once per push, which is seconds apart: an instrument's advice may give any number of bounds, too many for the stack.
        var buckets = new ulong[_bounds.Length + 1];
        foreach (var (_, tags, series) in _series.Entries)
        {
            // OTLP's buckets are each its own count, not cumulative; the count is their sum, so the two agree as above.
            ulong count = 0;
            for (int i = 0; i < buckets.Length; i++)
            {
                buckets[i] = (ulong)Volatile.Read(ref series.Buckets[i]);
                count += buckets[i];
            }

            otlp.HistogramPoint(tags, count, Volatile.Read(ref series.Sum), buckets, _bounds);
        }
    }

    internal sealed class Series(string labels, int buckets)
    {
        public readonly string Labels = labels;
        public readonly long[] Buckets = new long[buckets];
        public double Sum;
    }
}
