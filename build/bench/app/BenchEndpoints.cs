using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bench.Endpoints;

/// <summary>
/// The endpoints build/bench/run.sh measures, with the same behaviour as build/bench/go/main.go:
/// <c>/plaintext</c>, <c>/json</c>, and <c>/table</c>, where the app's own work dominates.
/// </summary>
internal static class BenchEndpoints
{
    public static IEndpointRouteBuilder MapBench(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/plaintext", () => "Hello, World!");
        // Serialized by this file's own generated context, so the template's AppJsonContext stays untouched.
        endpoints.MapGet("/json", () => TypedResults.Json(new BenchMessage("Hello, World!"), BenchJsonContext.Default.BenchMessage));
        endpoints.MapGet("/table", Table);
        return endpoints;
    }

    // GET /table?sort=name&page=1: the catalog sorted for this request, one page as an HTML table.
    private static Results<ContentHttpResult, BadRequest<string>> Table(string? sort, int? page)
    {
        if (!ProductCatalog.TryGetOrder(sort ?? "name", out var order))
        {
            return TypedResults.BadRequest("sort must be id, name, price or stock");
        }

        int number = page ?? 1;
        if (number < 1 || number > ProductCatalog.PageCount)
        {
            return TypedResults.BadRequest($"page must be 1 to {ProductCatalog.PageCount}");
        }

        var rows = ProductCatalog.Page(order, number);
        return TypedResults.Content(ProductTable.Render(rows, sort ?? "name", number), "text/html; charset=utf-8");
    }
}
