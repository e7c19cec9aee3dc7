using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace AppHostSample.Endpoints;

/// <summary>A JSON API: <c>GET /api/greeting?name=Ada</c>, or <c>POST /api/greeting</c> with <c>{"name":"Ada"}</c>.</summary>
internal static class GreetingEndpoints
{
    // Longer than any real name; the bound keeps every response small whatever the client sends.
    private const int MaxNameLength = 100;

    /// <param name="endpoints">Where to map <c>/api/greeting</c>.</param>
    /// <param name="word">The greeting's first word: --greeting.</param>
    public static IEndpointRouteBuilder MapGreeting(this IEndpointRouteBuilder endpoints, string word)
    {
        endpoints.MapGet("/api/greeting", (string? name) => Greet(word, name));
        endpoints.MapPost("/api/greeting", (GreetingRequest request) => Greet(word, request.Name));
        return endpoints;
    }

    private static Results<Ok<Greeting>, BadRequest<string>> Greet(string word, string? name)
    {
        if (name is { Length: > MaxNameLength })
        {
            return TypedResults.BadRequest($"name is longer than {MaxNameLength} characters");
        }

        string who = string.IsNullOrWhiteSpace(name) ? "world" : name.Trim();
        return TypedResults.Ok(new Greeting($"{word}, {who}!", DateTimeOffset.UtcNow));
    }
}
