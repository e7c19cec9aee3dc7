using AppHost.Responses;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AppHost;

/// <summary>
/// Small HTTP/1.1 responses sent whole, with <c>Content-Length</c>, in one write: one TLS record
/// where a chunked response takes two. Strings, JSON and errors from endpoints benefit without
/// any change to them; files and other bodies whose length is known are untouched.
/// </summary>
public static class SizedResponses
{
    /// <summary>
    /// The most of a body held back: 16 KiB, the most one TLS record carries (RFC 8446, 5.1). A
    /// larger body takes several records whatever is done, so holding more would only cost memory
    /// and delay its first byte; past this a body is sent as it is written, chunked.
    /// </summary>
    public const int MaxHeldBytes = 16 * 1024;

    /// <summary>
    /// Holds each HTTP/1.1 response body of unknown length until the request ends, up to
    /// <see cref="MaxHeldBytes"/>, then sends it with its length. A response that streams says so
    /// and is sent as it is written: <c>IHttpResponseBodyFeature.DisableBuffering()</c> (as
    /// ASP.NET Core's response compression and buffering also expect), or <c>text/event-stream</c>.
    /// <c>Response.StartAsync()</c> is not such a sign, since <c>Response.WriteAsync</c> calls it
    /// for every string it writes. HTTP/2 is left alone: it has no chunks, and its frames already
    /// carry each body's end.
    /// </summary>
    /// <param name="app">The app.</param>
    /// <returns>The app, for chaining.</returns>
    public static IApplicationBuilder UseSizedResponses(this IApplicationBuilder app) =>
        app.Use(static async (context, next) =>
        {
            if (!HttpProtocol.IsHttp11(context.Request.Protocol) && !HttpProtocol.IsHttp10(context.Request.Protocol)
                || context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
                || context.Features.Get<IHttpResponseBodyFeature>() is not { } server)
            {
                await next(context);
                return;
            }

            var body = new SizedResponseBody(server, context.Response, MaxHeldBytes);
            context.Features.Set<IHttpResponseBodyFeature>(body);
            try
            {
                await next(context);
                body.Finish();
            }
            finally
            {
                // A failed request sends nothing it held, so the server can still answer it with a clean 500.
                body.Release();
                context.Features.Set(server);
            }
        });
}
