namespace Bench.Endpoints;

/// <summary>The JSON body of <c>/json</c>: <c>{"message":"Hello, World!"}</c>.</summary>
internal sealed record BenchMessage(string Message);
