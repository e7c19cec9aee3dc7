namespace AppHost.Metrics;

/// <summary>One Prometheus metric: its name, type and help, and the series its instrument's measurements go to.</summary>
internal abstract class MetricFamily(string name, string type, string? help)
{
    /// <summary>
    /// The most series one metric keeps. ASP.NET Core's tags are bounded (method, route template,
    /// status code, protocol), which makes tens to a few hundred; this is a fuse for a tag that is not.
    /// </summary>
    protected const int SeriesLimit = 1000;

    public string Name { get; } = name;

    /// <summary>counter, gauge or histogram.</summary>
    public string Type { get; } = type;

    /// <summary>Called by the instrument, on the thread that measured: must be cheap and never throw.</summary>
    public abstract void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    public void Write(PrometheusText text)
    {
        text.Family(Name, Type, help);
        WriteSeries(text);
    }

    protected abstract void WriteSeries(PrometheusText text);

    /// <summary>Adds to a double that other threads add to at the same time.</summary>
    protected static void Add(ref double total, double value)
    {
        double seen = Volatile.Read(ref total);
        while (true)
        {
            double found = Interlocked.CompareExchange(ref total, seen + value, seen);
            if (found.Equals(seen))
            {
                return;
            }

            seen = found;
        }
    }
}
