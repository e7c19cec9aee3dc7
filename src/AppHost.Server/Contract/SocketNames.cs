namespace AppHost.Contract;

/// <summary>
/// The FileDescriptorName= of the sockets systemd passes the server: the unit files apphost service
/// writes name them, and the server tells its listeners apart by them.
/// </summary>
internal static class SocketNames
{
    /// <summary>The server's own socket: HTTPS with a certificate, plain HTTP without one.</summary>
    public const string Https = "https";

    /// <summary>The plain HTTP socket: the redirect to HTTPS and ACME's HTTP-01 challenges; the main socket of a server without a certificate.</summary>
    public const string Http = "http";

    /// <summary>The plain HTTP socket of Prometheus's /metrics (--metrics-port); never served by the app's own listeners.</summary>
    public const string Metrics = "metrics";
}
