namespace AppHost.Metrics.Otlp;

/// <summary>How an OTLP receiver is to read a metric's points.</summary>
internal enum OtlpKind
{
    /// <summary>The current value, such as a certificate's expiry.</summary>
    Gauge,

    /// <summary>A running total that only grows (a counter): a monotonic cumulative sum.</summary>
    Counter,

    /// <summary>A running total that falls as well as rises, such as active connections.</summary>
    UpDownCounter,

    /// <summary>Explicit-bucket histogram, cumulative.</summary>
    Histogram,
}
