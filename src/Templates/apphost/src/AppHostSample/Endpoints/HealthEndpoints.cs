using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AppHostSample.Endpoints;

/// <summary>
/// The health check for load balancers and supervisors: 200 while serving, 503 once shutdown has
/// begun, so a balancer stops sending new work while in-flight requests drain.
/// </summary>
internal static class HealthEndpoints
{
    /// <param name="endpoints">Where to map <c>/healthz</c>.</param>
    /// <param name="stopping">Cancelled once shutdown has begun.</param>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints, CancellationToken stopping)
    {
        endpoints.MapGet("/healthz", (HttpResponse response) =>
        {
            // A health answer is about this instant; no cache may keep it.
            response.Headers.CacheControl = "no-store";
            return stopping.IsCancellationRequested
                ? TypedResults.Text("stopping", statusCode: StatusCodes.Status503ServiceUnavailable)
                : TypedResults.Text("ok");
        });
        return endpoints;
    }
}
