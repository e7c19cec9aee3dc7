using AppHost.Metrics.Otlp;
using Microsoft.AspNetCore.Builder;

namespace AppHost.Metrics;

/// <summary>
/// What GET /metrics answers and an OTLP push sends: the instruments of Kestrel and the runtime, the
/// app's requests, then the process's and AppHost's own metrics.
/// </summary>
internal sealed class MetricsPage : IDisposable
{
    // Kestrel's kestrel.queued_requests counts HTTP/2 streams waiting for a thread: two measurements of
    // five tags for every stream, about 3% of the server's CPU on HTTP/2 hello-world with the listener's
    // share (perf, docs/metrics.md), for a gauge a scrape every few seconds almost always reads as 0.
    private static readonly string[] NotExported = ["kestrel.queued_requests"];

    private readonly MeterCollector _meters;
    private readonly RequestMetrics _requests = new();
    private readonly ProcessMetrics _process = new();
    private readonly AppHostMetrics _appHost;
    private readonly Lock _scraping = new();

    /// <param name="app">The app whose meters are read; another server in the same process (a test's) is left out.</param>
    /// <param name="tls">The certificates in service, or null for plain HTTP.</param>
    public MetricsPage(WebApplication app, ServerTls? tls)
    {
        // Kestrel creates its meter through the app's IMeterFactory, which is the meter's scope. ASP.NET
        // Core's request instruments (Microsoft.AspNetCore.Hosting) stay off: RequestMetrics times requests for less.
        object? scope = app.Services.GetService(typeof(System.Diagnostics.Metrics.IMeterFactory));
        _meters = new MeterCollector(instrument => !NotExported.Contains(instrument.Name) && instrument.Meter.Name switch
        {
            "Microsoft.AspNetCore.Server.Kestrel" => scope is null || instrument.Meter.Scope == scope,
            // The runtime's meter is one per process.
            "System.Runtime" => true,
            _ => false,
        });
        Server = app.Services.GetService(typeof(Microsoft.AspNetCore.Hosting.Server.IServer)) as Microsoft.AspNetCore.Hosting.Server.IServer;
        _appHost = new AppHostMetrics(tls, app.Lifetime.ApplicationStopping, app.Lifetime.ApplicationStopped);
    }

    /// <summary>Adds the middleware that times the app's requests; before any other, so that it sees them all.</summary>
    public void TimeRequests(IApplicationBuilder app) => _requests.Time(app);

    /// <summary>The app's server, whose addresses name this instance in an OTLP push.</summary>
    public Microsoft.AspNetCore.Hosting.Server.IServer? Server { get; }

    /// <summary>The page in the Prometheus text format, or in OpenMetrics; the caller disposes it once sent.</summary>
    public PrometheusText Render(bool openMetrics)
    {
        var text = new PrometheusText(openMetrics);
        // Observable instruments report through the one listener's callback: two scrapes at once would mix their readings.
        lock (_scraping)
        {
            _meters.Write(text);
        }

        _requests.Durations.Write(text);
        _requests.Active.Write(text);
        _process.Write(text);
        _appHost.Write(text);
        return text;
    }

    /// <summary>
    /// The same metrics as one OTLP request, with OpenTelemetry's names.
    /// The process's CPU and memory are the runtime meter's (dotnet.process.*), so /proc is not read for it.
    /// </summary>
    /// <param name="into">Where the request is written; what was there before is overwritten.</param>
    /// <param name="resource">What the metrics describe: service.name and the like.</param>
    /// <returns>The request, in <paramref name="into"/>'s buffer.</returns>
    public ArraySegment<byte> RenderOtlp(ProtobufWriter into, IReadOnlyList<KeyValuePair<string, object?>> resource)
    {
        // Every sum counts from the process's start: the runtime's observable counters (CPU time, GC
        // collections) do, and the request instruments begin with the server, a moment later.
        var otlp = new OtlpMetricsWriter(into, _process.Started, DateTimeOffset.UtcNow, resource);
        lock (_scraping)
        {
            _meters.Write(otlp);
        }

        // The requests are AppHost's measurements: in its scope.
        _appHost.Write(otlp, _requests.Durations, _requests.Active);
        return otlp.Finish();
    }

    public void Dispose() => _meters.Dispose();
}
