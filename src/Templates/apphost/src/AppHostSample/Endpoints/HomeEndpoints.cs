using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AppHostSample.Endpoints;

/// <summary>The home page.</summary>
internal static class HomeEndpoints
{
    private const string Page = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8"><title>apphostsample</title>
          <link rel="stylesheet" href="/site.css"><link rel="icon" href="/img/icon.svg">
        </head>
        <body>
          <h1><img src="/img/icon.svg" alt="" width="32" height="32"> apphostsample is running</h1>
          <p>One native file: a web server with every setting in its code.</p>
          <p>Try <a href="/api/greeting?name=you">/api/greeting</a> or <a href="/healthz">/healthz</a>.</p>
        </body>
        </html>
        """;

    public static IEndpointRouteBuilder MapHome(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", () => TypedResults.Text(Page, "text/html; charset=utf-8"));
        return endpoints;
    }
}
