using AppHost.Metrics.Otlp;

namespace AppHost.Metrics;

/// <summary>One Prometheus metric: its name, type and help, and the series its instrument's measurements go to.</summary>
internal abstract class MetricFamily(string name, string type, string? help)
{
    /// <summary>
    /// The most series one metric keeps. ASP.NET Core's tags are bounded (method, route template,
    /// status code, protocol), which makes tens to a few hundred; this is a fuse for a tag that is not.
    /// </summary>
    internal const int SeriesLimit = 1000;

    public string Name { get; } = name;

    /// <summary>The instrument the family was made for: its meter, name, unit and kind, as OTLP pushes them.</summary>
    public required InstrumentIdentity Instrument { get; init; }

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

    /// <summary>Writes the metric with the instrument's own name, unit and tags, as OTLP has them; nothing while it has no series.</summary>
    public void Write(OtlpMetricsWriter otlp)
    {
        // A metric of no points is valid OTLP but says nothing (TLS handshakes of a plain HTTP server).
        if (IsEmpty)
        {
            return;
        }

        otlp.BeginMetric(Instrument.Name, help, Instrument.Unit, Instrument.Kind);
        WritePoints(otlp);
        otlp.EndMetric();
    }

    protected abstract bool IsEmpty { get; }

    protected abstract void WritePoints(OtlpMetricsWriter otlp);

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
