using System.Net;
using AppHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace AppHostSample;

/// <summary>
/// The OpenTelemetry SDK's Prometheus exporter in place of MetricsEndpoint, for build/bench/metrics-cost.sh only:
/// it copies the sample, adds this file and two lines to Program.cs. The same meters as MetricsEndpoint, the same
/// <c>--metrics-port</c> and <c>--metrics-host</c>, served as OpenTelemetry's documentation shows: a listener of
/// the app's own Kestrel, and a branch of its pipeline that answers GET /metrics there only.
/// </summary>
internal static class OpenTelemetryMetrics
{
    private static ListenOptions? s_listener;

    public static void AddOpenTelemetryMetrics(this WebApplicationBuilder builder, ServerOptions options)
    {
        if (options.MetricsPort is not int port)
        {
            return;
        }

        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime")
            // OpenTelemetry.Instrumentation.Process: CPU time, memory, threads, as MetricsEndpoint's process_* metrics.
            .AddProcessInstrumentation()
            .AddPrometheusExporter());
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(options.MetricsHost, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            s_listener = listen;
        }));
    }

    public static void UseOpenTelemetryMetrics(this WebApplication app, ServerOptions options)
    {
        if (options.MetricsPort is null)
        {
            return;
        }

        // Kestrel writes the bound endpoint back into the listener's options, so --metrics-port 0 works too.
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
            context.Connection.LocalPort == (s_listener?.EndPoint as IPEndPoint)?.Port && context.Request.Path == "/metrics");
    }
}
