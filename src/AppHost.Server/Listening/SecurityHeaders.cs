using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AppHost;

/// <summary>Headers every response carries, set before the app writes anything, so no endpoint can forget them.</summary>
public static class SecurityHeaders
{
    /// <summary>Calls <paramref name="add"/> for every request before the rest of the pipeline runs.</summary>
    /// <param name="app">The app.</param>
    /// <param name="add">Sets the app's headers on a response; it gets the request, to tell HTTPS from plain HTTP.</param>
    /// <returns>The app, for chaining.</returns>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, Action<HttpRequest, IHeaderDictionary> add) =>
        app.Use((context, next) =>
        {
            add(context.Request, context.Response.Headers);
            return next(context);
        });
}
