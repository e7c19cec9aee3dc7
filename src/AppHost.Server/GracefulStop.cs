using AppHost.Stopping;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;

namespace AppHost;

/// <summary>
/// A stop that loses no request: with <see cref="Listeners.ListenAppHost"/>'s listeners, every
/// connection is closed only once nothing its client already sent can be lost (see the README's
/// restart section for what is guaranteed).
/// </summary>
public static class GracefulStop
{
    /// <summary>
    /// Lets the listeners see each request start and end, so that during a stop a request on a
    /// keep-alive HTTP/1.1 connection is answered with <c>Connection: close</c> rather than dropped.
    /// Add it first, so every request is seen, even those a later middleware answers itself.
    /// </summary>
    /// <param name="app">The app.</param>
    /// <returns>The app, for chaining.</returns>
    public static IApplicationBuilder UseGracefulStop(this IApplicationBuilder app) =>
        app.Use(static async (context, next) =>
        {
            if (context.Features.Get<IConnectionLifetimeNotificationFeature>() is not ConnectionDrain drain)
            {
                await next(context);
                return;
            }

            drain.RequestStarted(context.Response);
            try
            {
                await next(context);
            }
            finally
            {
                drain.RequestEnded();
            }
        });
}
