using System.Reflection;
using AppHost.Acme.Renewal;
using AppHost.Metrics.Otlp;
using AppHost.Running;

namespace AppHost.Metrics;

/// <summary>
/// AppHost's own metrics, computed at each scrape or push: the versions running, when each served
/// certificate expires, how ACME's orders ended, and whether the server is draining. Named as
/// OpenTelemetry instruments; the Prometheus page translates them like any other
/// (apphost.certificate.expiry_timestamp in s is apphost_certificate_expiry_timestamp_seconds), so
/// a dashboard finds the same series whether Prometheus scraped them or received them by OTLP.
/// </summary>
/// <param name="tls">The certificates in service, or null for plain HTTP.</param>
/// <param name="stopping">Cancelled once a stop has begun.</param>
/// <param name="stopped">Cancelled once the requests in flight have finished.</param>
internal sealed class AppHostMetrics(ServerTls? tls, CancellationToken stopping, CancellationToken stopped)
{
    /// <summary>The instrumentation scope of an OTLP push.</summary>
    public const string Scope = "AppHost.Server";

    private static readonly string AppHostVersion = ReadyFileWriter.VersionOf(typeof(AppHostMetrics).Assembly);

    private readonly KeyValuePair<string, object?>[] _build = [
        new("app_version", ReadyFileWriter.VersionOf(Assembly.GetEntryAssembly())),
        new("apphost_version", AppHostVersion)];

    public void Write(PrometheusText text)
    {
        foreach (var reading in Read())
        {
            string name = PrometheusNames.Metric(reading.Name, reading.Unit, reading.Kind == OtlpKind.Counter);
            text.Family(name, reading.Kind == OtlpKind.Counter ? "counter" : "gauge", reading.Help);
            foreach (var point in reading.Points)
            {
                text.Sample(name, PrometheusText.Labels(point.Tags), point.Value);
            }
        }
    }

    /// <param name="otlp">Where the push is written.</param>
    /// <param name="measured">Metrics AppHost records as they happen, written first in the same scope.</param>
    public void Write(OtlpMetricsWriter otlp, params ReadOnlySpan<MetricFamily> measured)
    {
        otlp.BeginScope(Scope, AppHostVersion);
        foreach (var family in measured)
        {
            family.Write(otlp);
        }

        foreach (var reading in Read())
        {
            if (reading.Points.Count == 0)
            {
                continue;
            }

            otlp.BeginMetric(reading.Name, reading.Help, reading.Unit, reading.Kind);
            foreach (var point in reading.Points)
            {
                otlp.NumberPoint(point.Tags, point.Value);
            }

            otlp.EndMetric();
        }

        otlp.EndScope();
    }

    private List<Reading> Read()
    {
        var readings = new List<Reading> { new("apphost.build_info", null, OtlpKind.Gauge, "Always 1; its labels are the app's version and AppHost.Server's.", new Point(_build, 1)) };

        if (tls is not null)
        {
            // One per name: the --cert file as given, or each ACME domain once it has a certificate.
            var expiry = new Reading("apphost.certificate.expiry_timestamp", "s", OtlpKind.Gauge, "When the certificate served for a name expires (its notAfter), in Unix seconds.");
            foreach (var (name, served) in tls.Served)
            {
                if (served.ServerCertificateContext?.TargetCertificate is { } certificate)
                {
                    expiry.Points.Add(new(Name(name), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeSeconds()));
                }
            }

            readings.Add(expiry);
        }

        if (tls?.AcmeOrders is { } orders)
        {
            // Every kind and outcome from a name's first order on, zeros too, so increase() sees the first failure.
            var counts = new Reading("apphost.acme.orders", "{order}", OtlpKind.Counter,
                "ACME orders by name, kind (new: the name's first certificate, renewal) and outcome (obtained, failed).");
            var last = new Reading("apphost.acme.last_obtained_timestamp", "s", OtlpKind.Gauge,
                "When the CA last issued a certificate for the name, in Unix seconds; absent until this process obtains one.");
            foreach (var name in orders.Snapshot())
            {
                counts.Points.Add(Orders(name.Name, "new", "obtained", name.NewObtained));
                counts.Points.Add(Orders(name.Name, "new", "failed", name.NewFailed));
                counts.Points.Add(Orders(name.Name, "renewal", "obtained", name.RenewalObtained));
                counts.Points.Add(Orders(name.Name, "renewal", "failed", name.RenewalFailed));
                if (name.LastObtained is { } at)
                {
                    last.Points.Add(new(Name(name.Name), at.ToUnixTimeSeconds()));
                }
            }

            readings.Add(counts);
            readings.Add(last);
        }

        // 0 again once stopped: the last OTLP push is made then, and a receiver keeps that value for minutes.
        bool draining = stopping.IsCancellationRequested && !stopped.IsCancellationRequested;
        readings.Add(new("apphost.draining", null, OtlpKind.Gauge, "1 while a stop finishes the requests in flight, else 0.", new Point([], draining ? 1 : 0)));
        return readings;
    }

    private static KeyValuePair<string, object?>[] Name(string name) => [new("name", name)];

    private static Point Orders(string name, string kind, string outcome, long count) =>
        new([new("name", name), new("kind", kind), new("outcome", outcome)], count);

    // Classes, not records or tuples: generic code over a value type, and a record's equality and printing, are code in every file.

    /// <summary>One metric's values at this moment.</summary>
    /// <param name="name">The OpenTelemetry name; the Prometheus one is made from it, the unit and the kind.</param>
    /// <param name="unit">UCUM, or null for a plain number.</param>
    /// <param name="kind">A gauge or a counter.</param>
    /// <param name="help">What it measures.</param>
    /// <param name="points">Its series, if known when it is made.</param>
    private sealed class Reading(string name, string? unit, OtlpKind kind, string help, params Point[] points)
    {
        public string Name { get; } = name;

        public string? Unit { get; } = unit;

        public OtlpKind Kind { get; } = kind;

        public string Help { get; } = help;

        public List<Point> Points { get; } = [.. points];
    }

    /// <summary>One series: its tags and value.</summary>
    private sealed class Point(KeyValuePair<string, object?>[] tags, double value)
    {
        public KeyValuePair<string, object?>[] Tags { get; } = tags;

        public double Value { get; } = value;
    }
}
