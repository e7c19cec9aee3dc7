using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AppHost.Metrics;

/// <summary>
/// The metrics listener's whole application: GET (or HEAD) /metrics and nothing else. It is not the
/// app's pipeline, so no endpoint, file or middleware of the app is reachable through this port.
/// </summary>
/// <param name="pages">Renders the page.</param>
/// <param name="loopbackOnly">Answer only peers on this machine: --metrics-host is a loopback address.</param>
internal sealed class MetricsRequests(MetricsPage pages, bool loopbackOnly) : IHttpApplication<HttpContext>
{
    public const string Path = "/metrics";

    public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

    public async Task ProcessRequestAsync(HttpContext context)
    {
        var response = context.Response;
        // A socket systemd passed may be bound wider than --metrics-host says; the option decides who is answered.
        if (loopbackOnly && context.Connection.RemoteIpAddress is { } peer && !IsLoopback(peer))
        {
            await Answer(response, StatusCodes.Status403Forbidden, "metrics are answered to this machine only; --metrics-host opens them to others\n");
            return;
        }

        if (context.Request.Path != Path)
        {
            await Answer(response, StatusCodes.Status404NotFound, "only /metrics is served here\n");
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            response.Headers.Allow = "GET, HEAD";
            await Answer(response, StatusCodes.Status405MethodNotAllowed, "GET or HEAD\n");
            return;
        }

        using var page = pages.Render(ScrapeFormat.WantsOpenMetrics(context.Request.Headers.Accept));
        var body = page.Utf8;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = page.ContentType;
        // The page differs by what the scraper accepts.
        response.Headers.Vary = "Accept";
        response.ContentLength = body.Length;
        // Every scrape is new figures; a cache in between would show old ones.
        response.Headers.CacheControl = "no-store";
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(body);
        }
    }

    public void DisposeContext(HttpContext context, Exception? exception)
    {
    }

    /// <summary>A loopback address, also in its IPv4-mapped IPv6 form, in which a dual-stack socket sees 127.0.0.1.</summary>
    public static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private static async Task Answer(HttpResponse response, int status, string text)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(text);
    }
}
