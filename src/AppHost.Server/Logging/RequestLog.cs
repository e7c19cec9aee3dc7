using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Serilog.Events;

namespace AppHost;

/// <summary>Writes one log line per request: client, method, path, status, elapsed time and protocol.</summary>
public static class RequestLog
{
    /// <summary>Logs each request at Information once its response is done (or it failed with 500).</summary>
    /// <param name="app">The app; put this first, so the line covers everything after it.</param>
    /// <param name="log">The logger of <see cref="ServerLogging.Create(ServerOptions)"/>.</param>
    /// <returns>The app, for chaining.</returns>
    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app, Serilog.ILogger log) =>
        app.Use(async (context, next) =>
        {
            long started = Stopwatch.GetTimestamp();
            int? failedStatus = null;
            try
            {
                await next(context);
            }
            catch
            {
                // Kestrel answers 500 once the exception leaves the pipeline; log what the client gets.
                failedStatus = StatusCodes.Status500InternalServerError;
                throw;
            }
            finally
            {
                // Below Information nobody reads the line, so nothing of it is built.
                if (log.IsEnabled(LogEventLevel.Information))
                {
                    LogRequest(log, context, failedStatus ?? context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
                }
            }
        });

    private static void LogRequest(Serilog.ILogger log, HttpContext context, int status, TimeSpan elapsed) =>
        // The path only: query strings often carry tokens, and logs are read by more people than the
        // app's data. Percent-encoded as it came, so a %0A in it cannot forge a log line. The time is
        // rounded here rather than by a format in the template, which would make the JSON formatter
        // render every line's number a second time.
        log.Information("{Client} {Method} {Path} {StatusCode} {ElapsedMs} ms {Protocol}",
            ClientOf(context),
            context.Request.Method,
            context.Request.Path.ToUriComponent(),
            status,
            Math.Round(elapsed.TotalMilliseconds, 1),
            context.Request.Protocol);

    // As the client is known to the app: behind a trusted balancer, the address it forwarded (UseForwardedBy).
    // IPv4 as people write it, not in the IPv4-mapped form a dual-stack socket reports.
    private static string ClientOf(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString() : "-";
}
