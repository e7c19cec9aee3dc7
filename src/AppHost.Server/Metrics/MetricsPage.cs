using Microsoft.AspNetCore.Builder;

namespace AppHost.Metrics;

/// <summary>What GET /metrics answers: the instruments of ASP.NET Core, Kestrel and the runtime, then the process's and AppHost's own metrics.</summary>
internal sealed class MetricsPage : IDisposable
{
    private readonly MeterCollector _meters;
    private readonly ProcessMetrics _process = new();
    private readonly AppHostMetrics _appHost;
    private readonly Lock _scraping = new();

    /// <param name="app">The app whose meters are read; another server in the same process (a test's) is left out.</param>
    /// <param name="tls">The certificates in service, or null for plain HTTP.</param>
    public MetricsPage(WebApplication app, ServerTls? tls)
    {
        // ASP.NET Core and Kestrel create their meters through the app's IMeterFactory, which is the meters' scope.
        object? scope = app.Services.GetService(typeof(System.Diagnostics.Metrics.IMeterFactory));
        _meters = new MeterCollector(meter => meter.Name switch
        {
            "Microsoft.AspNetCore.Hosting" or "Microsoft.AspNetCore.Server.Kestrel" => scope is null || meter.Scope == scope,
            // The runtime's meter is one per process.
            "System.Runtime" => true,
            _ => false,
        });
        _appHost = new AppHostMetrics(tls, app.Lifetime.ApplicationStopping);
    }

    /// <summary>The page in the Prometheus text format, or in OpenMetrics; the caller disposes it once sent.</summary>
    public PrometheusText Render(bool openMetrics)
    {
        var text = new PrometheusText(openMetrics);
        // Observable instruments report through the one listener's callback: two scrapes at once would mix their readings.
        lock (_scraping)
        {
            _meters.Write(text);
        }

        _process.Write(text);
        _appHost.Write(text);
        return text;
    }

    public void Dispose() => _meters.Dispose();
}
