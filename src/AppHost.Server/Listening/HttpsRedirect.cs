using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace AppHost;

/// <summary>
/// The plain HTTP listener's only answer: 308 to the same URL over HTTPS. 308, not 301, so a
/// POST stays a POST; host, path and query are kept, and the HTTPS port is added unless it is 443.
/// </summary>
public static class HttpsRedirect
{
    private const int DefaultHttpsPort = 443;

    /// <summary>Answers every plain HTTP request with 308 to HTTPS; HTTPS requests pass on.</summary>
    /// <param name="app">The app, whose HTTPS address is known once it listens.</param>
    /// <returns>The app, for chaining.</returns>
    public static IApplicationBuilder UseRedirectToHttps(this WebApplication app)
    {
        // The HTTPS port is known once the server listens (it may be 0 on the command line, or a socket systemd passed).
        int? httpsPort = null;
        return app.Use((context, next) =>
        {
            if (context.Request.IsHttps)
            {
                return next(context);
            }

            var request = context.Request;
            if (!request.Host.HasValue)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return Task.CompletedTask;
            }

            int port = httpsPort ??= app.Urls.Select(url => new Uri(url)).First(url => url.Scheme == Uri.UriSchemeHttps).Port;
            var host = port == DefaultHttpsPort ? new HostString(request.Host.Host) : new HostString(request.Host.Host, port);
            context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
            context.Response.Headers.Location = UriHelper.BuildAbsolute("https", host, request.PathBase, request.Path, request.QueryString);
            return Task.CompletedTask;
        });
    }
}
