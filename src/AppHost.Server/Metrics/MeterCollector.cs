using System.Diagnostics.Metrics;
using AppHost.Metrics.Otlp;

namespace AppHost.Metrics;

/// <summary>
/// Listens to the instruments of the chosen meters (System.Diagnostics.Metrics) and keeps their
/// measurements as Prometheus metrics. Until this exists no instrument is enabled, and ASP.NET
/// Core and Kestrel skip their measurements; the runtime's System.Runtime meter starts with the
/// first listener.
/// </summary>
internal sealed class MeterCollector : IDisposable
{
    // Anything else: OpenTelemetry's default bounds, which span five decades.
    private static readonly double[] DefaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    // The runtime declares these as observable counters, but they fall as well as rise (OpenTelemetry's
    // conventions make them up-down counters): as counters, Prometheus's rate() would read every fall as a reset.
    private static readonly string[] GaugesDeclaredAsCounters = ["dotnet.thread_pool.thread.count", "dotnet.thread_pool.queue.length"];

    private readonly MeterListener _listener = new();
    private readonly Lock _adding = new();
    private readonly Func<Instrument, bool> _include;
    // In name order.
    private volatile MetricFamily[] _families = [];

    /// <param name="include">Whether an instrument is exported.</param>
    public MeterCollector(Func<Instrument, bool> include)
    {
        _include = include;
        _listener.InstrumentPublished = Published;
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>((_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>((_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>((_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>((_, value, tags, state) => ((MetricFamily)state!).Record((double)value, tags));
        // Reports the instruments that exist already, then each new one as it is created.
        _listener.Start();
    }

    /// <summary>Reads the observable instruments, then writes every metric. One caller at a time.</summary>
    public void Write(PrometheusText text)
    {
        _listener.RecordObservableInstruments();
        foreach (var family in _families)
        {
            family.Write(text);
        }
    }

    /// <summary>Reads the observable instruments, then writes every metric, grouped by meter, for an OTLP push. One caller at a time.</summary>
    public void Write(OtlpMetricsWriter otlp)
    {
        _listener.RecordObservableInstruments();
        // By meter, each in name order: a scope begins where the meter changes.
        MetricFamily[] byMeter = [.. _families];
        Array.Sort(byMeter, static (a, b) => string.CompareOrdinal(a.Instrument.Meter, b.Instrument.Meter) is var meter and not 0 ? meter : string.CompareOrdinal(a.Name, b.Name));
        string? scope = null;
        foreach (var family in byMeter)
        {
            if (family.Instrument.Meter != scope)
            {
                if (scope is not null)
                {
                    otlp.EndScope();
                }

                scope = family.Instrument.Meter;
                otlp.BeginScope(scope, family.Instrument.MeterVersion);
            }

            family.Write(otlp);
        }

        if (scope is not null)
        {
            otlp.EndScope();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Published(Instrument instrument, MeterListener listener)
    {
        if (!_include(instrument))
        {
            return;
        }

        var kind = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : null;
        bool counter = (kind == typeof(Counter<>) || kind == typeof(ObservableCounter<>)) && !GaugesDeclaredAsCounters.Contains(instrument.Name);
        string name = PrometheusNames.Metric(instrument.Name, instrument.Unit, counter);
        lock (_adding)
        {
            // Two meters of one name (two servers in one process) share a metric rather than repeat its name.
            var family = Array.Find(_families, f => f.Name == name) ?? Create(instrument, kind, name, counter);
            if (family is null)
            {
                return;
            }

            if (!_families.Contains(family))
            {
                // In name order, kept as they are added so that a scrape need not sort them.
                MetricFamily[] families = [.. _families, family];
                Array.Sort(families, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                _families = families;
            }

            listener.EnableMeasurementEvents(instrument, family);
        }
    }

    private static MetricFamily? Create(Instrument instrument, Type? kind, string name, bool counter)
    {
        var otlpKind = kind == typeof(Histogram<>) ? OtlpKind.Histogram
            : counter ? OtlpKind.Counter
            : kind == typeof(UpDownCounter<>) || kind == typeof(ObservableUpDownCounter<>) || kind == typeof(ObservableCounter<>) ? OtlpKind.UpDownCounter
            : OtlpKind.Gauge;
        var identity = new InstrumentIdentity(instrument.Meter.Name, instrument.Meter.Version, instrument.Name, instrument.Unit, otlpKind);
        if (kind == typeof(Histogram<>))
        {
            return new HistogramFamily(name, instrument.Description, Bounds(instrument)) { Instrument = identity };
        }

        if (kind == typeof(Counter<>) || kind == typeof(UpDownCounter<>))
        {
            return new ValueFamily(name, counter ? "counter" : "gauge", instrument.Description, sums: true) { Instrument = identity };
        }

        // Observable counters report their running total, the others their current value.
        return instrument.IsObservable || kind == typeof(Gauge<>)
            ? new ValueFamily(name, counter ? "counter" : "gauge", instrument.Description, sums: false) { Instrument = identity }
            : null;
    }

    // The instrument's advice, as ASP.NET Core and Kestrel give for their durations, else a default
    // for its unit. Copied by loops: LINQ over doubles and longs would be code of its own in the file.
    private static double[] Bounds(Instrument instrument)
    {
        if ((instrument as Instrument<double>)?.Advice?.HistogramBucketBoundaries is { Count: > 0 } doubles)
        {
            var bounds = new double[doubles.Count];
            for (int i = 0; i < bounds.Length; i++)
            {
                bounds[i] = doubles[i];
            }

            return bounds;
        }

        if ((instrument as Instrument<long>)?.Advice?.HistogramBucketBoundaries is { Count: > 0 } longs)
        {
            var bounds = new double[longs.Count];
            for (int i = 0; i < bounds.Length; i++)
            {
                bounds[i] = longs[i];
            }

            return bounds;
        }

        // A duration in seconds without the instrument's own advice gets the bounds of request durations.
        return instrument.Unit == "s" ? RequestMetrics.DurationBounds : DefaultBounds;
    }
}
