namespace AppHostSample.Endpoints;

/// <summary>The JSON body of <c>POST /api/greeting</c>.</summary>
internal sealed record GreetingRequest(string? Name);
