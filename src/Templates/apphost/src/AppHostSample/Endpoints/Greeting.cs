namespace AppHostSample.Endpoints;

/// <summary>The JSON body of <c>/api/greeting</c>.</summary>
internal sealed record Greeting(string Message, DateTimeOffset ServedAt);
