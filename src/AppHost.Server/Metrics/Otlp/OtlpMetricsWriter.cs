using System.Globalization;

namespace AppHost.Metrics.Otlp;

/// <summary>
/// One OTLP ExportMetricsServiceRequest (opentelemetry-proto's metrics.proto, metrics_service.proto):
/// one resource, its metrics grouped by instrumentation scope (the meter), every sum and histogram
/// cumulative since <c>start</c>, as Prometheus and most backends want them. Field numbers are the
/// .proto's.
/// </summary>
internal sealed class OtlpMetricsWriter
{
    // AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE: each point is the total since start, so a lost push loses nothing but resolution.
    private const int Cumulative = 2;

    private readonly ProtobufWriter _protobuf;
    private readonly ulong _startNanos, _nowNanos;
    private readonly int _resourceMetrics;
    private int _scope = -1, _metric = -1, _data = -1;
    private OtlpKind _kind;

    /// <param name="into">Where the request is written, from its start.</param>
    /// <param name="start">When the totals began: the process's start.</param>
    /// <param name="now">The time of every point.</param>
    /// <param name="resource">What the metrics describe: service.name and the like.</param>
    public OtlpMetricsWriter(ProtobufWriter into, DateTimeOffset start, DateTimeOffset now, IReadOnlyList<KeyValuePair<string, object?>> resource)
    {
        _protobuf = into;
        _protobuf.Reset();
        (_startNanos, _nowNanos) = (Nanos(start), Nanos(now));
        // ExportMetricsServiceRequest.resource_metrics = 1; ResourceMetrics.resource = 1; Resource.attributes = 1.
        _resourceMetrics = _protobuf.BeginMessage(1);
        int resourceMessage = _protobuf.BeginMessage(1);
        foreach (var attribute in resource)
        {
            Attribute(1, attribute);
        }

        _protobuf.EndMessage(resourceMessage);
    }

    /// <summary>Starts the metrics of one meter; end with <see cref="EndScope"/>.</summary>
    public void BeginScope(string name, string? version)
    {
        // ResourceMetrics.scope_metrics = 2; ScopeMetrics.scope = 1; InstrumentationScope.name = 1, version = 2.
        _scope = _protobuf.BeginMessage(2);
        int scope = _protobuf.BeginMessage(1);
        _protobuf.String(1, name);
        if (!string.IsNullOrEmpty(version))
        {
            _protobuf.String(2, version);
        }

        _protobuf.EndMessage(scope);
    }

    public void EndScope() => _protobuf.EndMessage(_scope);

    /// <summary>Starts a metric; its points follow, then <see cref="EndMetric"/>.</summary>
    public void BeginMetric(string name, string? description, string? unit, OtlpKind kind)
    {
        // ScopeMetrics.metrics = 2; Metric.name = 1, description = 2, unit = 3, then its data: gauge = 5, sum = 7, histogram = 9.
        _metric = _protobuf.BeginMessage(2);
        _protobuf.String(1, name);
        if (!string.IsNullOrEmpty(description))
        {
            _protobuf.String(2, description);
        }

        if (!string.IsNullOrEmpty(unit))
        {
            _protobuf.String(3, unit);
        }

        _kind = kind;
        _data = _protobuf.BeginMessage(kind switch
        {
            OtlpKind.Gauge => 5,
            OtlpKind.Histogram => 9,
            _ => 7,
        });
    }

    public void EndMetric()
    {
        if (_kind != OtlpKind.Gauge)
        {
            // Sum and Histogram: aggregation_temporality = 2; Sum: is_monotonic = 3.
            _protobuf.UInt64(2, Cumulative);
        }

        if (_kind == OtlpKind.Counter)
        {
            _protobuf.Bool(3, true);
        }

        _protobuf.EndMessage(_data);
        _protobuf.EndMessage(_metric);
    }

    /// <summary>A point of a gauge or sum.</summary>
    public void NumberPoint(ReadOnlySpan<KeyValuePair<string, object?>> attributes, double value)
    {
        // Gauge.data_points = 1, Sum.data_points = 1; NumberDataPoint: attributes = 7, start_time_unix_nano = 2, time_unix_nano = 3, as_double = 4.
        int point = _protobuf.BeginMessage(1);
        foreach (var attribute in attributes)
        {
            Attribute(7, attribute);
        }

        Times();
        _protobuf.Double(4, value);
        _protobuf.EndMessage(point);
    }

    /// <summary>A point of a histogram.</summary>
    /// <param name="attributes">The series' tags.</param>
    /// <param name="count">How many measurements.</param>
    /// <param name="sum">Their sum.</param>
    /// <param name="bucketCounts">How many measurements fell in each bucket (not cumulative), one more than the bounds: the last is above them all.</param>
    /// <param name="bounds">The buckets' upper bounds, ascending.</param>
    public void HistogramPoint(ReadOnlySpan<KeyValuePair<string, object?>> attributes, ulong count, double sum, ReadOnlySpan<ulong> bucketCounts, ReadOnlySpan<double> bounds)
    {
        // Histogram.data_points = 1; HistogramDataPoint: attributes = 9, start_time_unix_nano = 2, time_unix_nano = 3,
        // count = 4, sum = 5, bucket_counts = 6, explicit_bounds = 7.
        int point = _protobuf.BeginMessage(1);
        foreach (var attribute in attributes)
        {
            Attribute(9, attribute);
        }

        Times();
        _protobuf.Fixed64(4, count);
        _protobuf.Double(5, sum);
        _protobuf.PackedFixed64(6, bucketCounts);
        _protobuf.PackedDouble(7, bounds);
        _protobuf.EndMessage(point);
    }

    /// <summary>The whole request, valid until its buffer is written again.</summary>
    public ArraySegment<byte> Finish()
    {
        _protobuf.EndMessage(_resourceMetrics);
        return _protobuf.Written;
    }

    // A tick is 100 ns.
    private static ulong Nanos(DateTimeOffset time) => (ulong)(time - DateTimeOffset.UnixEpoch).Ticks * 100;

    private void Times()
    {
        // Start only matters for a cumulative point, but receivers accept it on a gauge too.
        _protobuf.Fixed64(2, _startNanos);
        _protobuf.Fixed64(3, _nowNanos);
    }

    // KeyValue: key = 1, value = 2; AnyValue: string_value = 1, bool_value = 2, int_value = 3, double_value = 4.
    private void Attribute(int field, KeyValuePair<string, object?> attribute)
    {
        int keyValue = _protobuf.BeginMessage(field);
        _protobuf.String(1, attribute.Key);
        int value = _protobuf.BeginMessage(2);
        // Numbers as numbers, as OpenTelemetry's SDKs send them (status codes and ports are ints).
        long? integer = attribute.Value switch { int n => n, long n => n, short n => n, byte n => n, _ => null };
        double? real = attribute.Value switch { double n => n, float n => n, _ => null };
        if (attribute.Value is bool flag)
        {
            _protobuf.Bool(2, flag);
        }
        else if (integer is { } whole)
        {
            _protobuf.Int64(3, whole);
        }
        else if (real is { } fraction)
        {
            _protobuf.Double(4, fraction);
        }
        else if (attribute.Value is not null)
        {
            // Anything else as text. A null tag is an empty AnyValue, which OTLP reads as no value.
            _protobuf.String(1, attribute.Value is IFormattable formattable ? formattable.ToString(null, CultureInfo.InvariantCulture) : attribute.Value.ToString() ?? "");
        }

        _protobuf.EndMessage(value);
        _protobuf.EndMessage(keyValue);
    }
}
