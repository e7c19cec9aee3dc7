using System.Diagnostics;
using System.Runtime.CompilerServices;
using AppHost.Metrics.Otlp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace AppHost.Metrics;

/// <summary>
/// The app's requests, timed by a middleware of our own under ASP.NET Core's names
/// (<c>http.server.request.duration</c>, <c>http.server.active_requests</c>) and tags, in place of
/// ASP.NET Core's own instruments, which are left off.
/// </summary>
/// <remarks>
/// Why not ASP.NET Core's: with its instruments on, every request builds a tag list, boxes its
/// values, makes a tags feature and goes through the meter listener, about 2.5 points of a small
/// request's CPU on their own (docs/metrics.md), where the budget for all of metrics is 3. Here
/// a request's series is found by a few reference compares (<see cref="RequestSeriesCache"/>),
/// without a listener, a tag list or an allocation, and a request that completes synchronously
/// runs no state machine. What is lost: tags an app adds through <c>IHttpMetricsTagsFeature</c>
/// (the feature is absent, as whenever ASP.NET Core's metrics are off), and
/// <c>aspnetcore.request.is_unhandled</c>; a request that matched no route is told apart by having
/// no <c>http.route</c>, so unknown paths still share one series per status.
/// </remarks>
internal sealed class RequestMetrics
{
    /// <summary>ASP.NET Core's bounds for request durations, 5 ms to 10 s: what a web server's latency spans.</summary>
    public static readonly double[] DurationBounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    // The tag names of OpenTelemetry's HTTP semantic conventions, as ASP.NET Core uses them.
    private const string MethodTag = "http.request.method", SchemeTag = "url.scheme", StatusTag = "http.response.status_code";
    private const string RouteTag = "http.route", ProtocolTag = "network.protocol.version", ErrorTag = "error.type";

    // The tag values of KnownMethod's indexes.
    private static readonly string[] Methods = [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete,
        HttpMethods.Patch, HttpMethods.Options, HttpMethods.Connect, HttpMethods.Trace, "_OTHER"];

    private readonly RequestSeriesCache _durationSeries = new();
    private readonly ValueFamily.Series?[] _activeSeries = new ValueFamily.Series?[Methods.Length * 2];

    public RequestMetrics()
    {
        Durations = new HistogramFamily(PrometheusNames.Metric("http.server.request.duration", "s", counter: false), "Duration of HTTP server requests.", DurationBounds)
        {
            Instrument = new InstrumentIdentity(AppHostMetrics.Scope, null, "http.server.request.duration", "s", OtlpKind.Histogram),
        };
        Active = new ValueFamily(PrometheusNames.Metric("http.server.active_requests", "{request}", counter: false), "gauge", "Number of active HTTP server requests.", sums: true)
        {
            Instrument = new InstrumentIdentity(AppHostMetrics.Scope, null, "http.server.active_requests", "{request}", OtlpKind.UpDownCounter),
        };
    }

    public HistogramFamily Durations { get; }

    public ValueFamily Active { get; }

    /// <summary>Adds the middleware that times every request; first, so that it sees them all.</summary>
    public void Time(IApplicationBuilder app) => app.Use(next => context => TimeAsync(next, context));

    // Not async itself: most requests complete synchronously, and then no state machine runs.
    private Task TimeAsync(RequestDelegate next, HttpContext context)
    {
        var request = context.Request;
        // The scheme as the request arrived: a later middleware may change it (a trusted proxy's X-Forwarded-Proto).
        var timing = new Timing(Stopwatch.GetTimestamp(), KnownMethod(request.Method), request.Scheme);
        Count(timing, 1);
        Task task;
        try
        {
            task = next(context);
        }
        catch (Exception e)
        {
            Ended(context, timing, e);
            throw;
        }

        if (!task.IsCompletedSuccessfully)
        {
            return AwaitAsync(task, context, timing);
        }

        Ended(context, timing, null);
        return Task.CompletedTask;
    }

    private async Task AwaitAsync(Task task, HttpContext context, Timing timing)
    {
        try
        {
            await task;
        }
        catch (Exception e)
        {
            Ended(context, timing, e);
            throw;
        }

        Ended(context, timing, null);
    }

    private void Ended(HttpContext context, in Timing timing, Exception? failed)
    {
        double seconds = Stopwatch.GetElapsedTime(timing.Started).TotalSeconds;
        Count(timing, -1);
        // An exception before the response started becomes Kestrel's 500.
        int status = failed is not null && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
        var kind = new RequestKind(RouteOf(context.GetEndpoint()), Methods[timing.Method], ProtocolVersion(context.Request.Protocol), timing.Scheme, status, failed?.GetType());
        if (_durationSeries.Find(kind) is { } known)
        {
            Durations.Record(known, seconds);
        }
        else if (FindDuration(kind) is { } found)
        {
            _durationSeries.Remember(kind, found);
            Durations.Record(found, seconds);
        }
    }

    // Only for a kind of request not seen before: its tags, as the histogram finds or makes its series by them.
    private HistogramFamily.Series? FindDuration(in RequestKind kind)
    {
        var tags = default(Tags);
        tags[0] = new(MethodTag, kind.Method);
        tags[1] = new(SchemeTag, kind.Scheme);
        tags[2] = new(StatusTag, kind.Status);
        int count = 3;
        if (kind.Version is { } version)
        {
            tags[count++] = new(ProtocolTag, version);
        }

        if (kind.Route is { } route)
        {
            tags[count++] = new(RouteTag, route);
        }

        if (kind.Error is { } error)
        {
            tags[count++] = new(ErrorTag, error.FullName);
        }

        return Durations.Find(tags[..count]);
    }

    // Active requests by method and scheme: a slot per pair for http and https, found by index after
    // its first request; another scheme by its tags each time.
    private void Count(in Timing timing, int change)
    {
        int slot = timing.ActiveSlot;
        if (slot >= 0 && _activeSeries[slot] is { } known)
        {
            Active.Record(known, change);
            return;
        }

        var tags = default(Tags);
        tags[0] = new(MethodTag, Methods[timing.Method]);
        tags[1] = new(SchemeTag, timing.Scheme);
        if (slot < 0)
        {
            Active.Record(change, tags[..2]);
        }
        else if ((_activeSeries[slot] = Active.Find(tags[..2])) is { } found)
        {
            // Two first requests at once both find the same series.
            Active.Record(found, change);
        }
    }

    // The route template, never the path: a scanner's paths cannot make new series.
    private static string? RouteOf(Endpoint? endpoint) => endpoint switch
    {
        null => null,
        RouteEndpoint { RoutePattern.RawText: { } template } => template,
        _ => endpoint.Metadata.GetMetadata<IRouteDiagnosticsMetadata>()?.Route,
    };

    // Any other method would be a tag value of the client's choosing; OpenTelemetry's conventions name it _OTHER.
    private static int KnownMethod(string method) => method switch
    {
        "GET" => 0,
        "HEAD" => 1,
        "POST" => 2,
        "PUT" => 3,
        "DELETE" => 4,
        "PATCH" => 5,
        "OPTIONS" => 6,
        "CONNECT" => 7,
        "TRACE" => 8,
        _ => 9,
    };

    private static string? ProtocolVersion(string protocol) => protocol switch
    {
        "HTTP/1.1" => "1.1",
        "HTTP/2" => "2",
        "HTTP/3" => "3",
        "HTTP/1.0" => "1.0",
        _ => null,
    };

    /// <summary>
    /// When a request started, its method (an index of <see cref="Methods"/>), its scheme, and its
    /// active count's slot, worked out once for the start and the end.
    /// </summary>
    private readonly struct Timing(long started, int method, string scheme)
    {
        public long Started { get; } = started;

        public int Method { get; } = method;

        public string Scheme { get; } = scheme;

        /// <summary>The index in the slots of http and https, two per method; -1 for any other scheme.</summary>
        public int ActiveSlot { get; } = scheme == "http" ? method * 2 : scheme == "https" ? (method * 2) + 1 : -1;
    }

    /// <summary>Room for the most tags a request has: method, scheme, status, protocol, route and error.</summary>
    [InlineArray(6)]
    private struct Tags
    {
        private KeyValuePair<string, object?> _first;
    }
}
