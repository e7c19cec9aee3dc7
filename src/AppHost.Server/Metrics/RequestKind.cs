namespace AppHost.Metrics;

/// <summary>What puts a request in its duration series: the values of its tags.</summary>
/// <remarks>A plain struct, not a record: a record's equality and printing would be code in every file that no one calls.</remarks>
internal readonly struct RequestKind(string? route, string method, string? version, string scheme, int status, Type? error)
{
    public string? Route { get; } = route;

    public string Method { get; } = method;

    public string? Version { get; } = version;

    public string Scheme { get; } = scheme;

    public int Status { get; } = status;

    public Type? Error { get; } = error;
}
