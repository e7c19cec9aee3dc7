using System.Globalization;
using System.Net;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// Debian's HAProxy in front of a server, either way a fleet runs it: in TCP mode, TLS passes
/// through and each connection to the server starts with a PROXY header, version 1 or 2; in HTTP
/// mode, HAProxy ends TLS and adds X-Forwarded-For and X-Forwarded-Proto. Either way it connects to
/// the server from its own address.
/// </summary>
public static class Haproxy
{
    // A server answers /healthz 503 once it drains; three failed checks 2 s apart take it out, which a
    // restart's drain of about a second never reaches while the socket holds new connections.
    private const string HealthCheck = "  option httpchk GET /healthz\n  http-check expect status 200";
    private const string HealthCheckOptions = "check check-ssl verify none check-send-proxy inter 2s fall 3 rise 1";

    // Generous for a loaded test machine; none is reached by a passing test.
    private const string Timeouts = "  timeout connect 5s\n  timeout client 30s\n  timeout server 30s";

    /// <summary>HAProxy in TCP mode: TLS through to the server, the PROXY header first.</summary>
    /// <param name="address">The loopback address clients connect to.</param>
    /// <param name="source">The loopback address HAProxy connects to the server from.</param>
    /// <param name="server">The server's port on 127.0.0.1.</param>
    /// <param name="version">1 (send-proxy) or 2 (send-proxy-v2).</param>
    /// <param name="healthChecks">Check the server as a balancer in production does: GET /healthz over TLS, with the PROXY header, every 2 s.</param>
    public static Task<BalancerProcess> StartAsync(IPAddress address, IPAddress source, int server, int version, bool healthChecks = false) =>
        BalancerProcess.StartAsync("haproxy", address, (folder, port) => Configure(folder, $"""
            defaults
              mode tcp
            {Timeouts}
            frontend clients
              bind {address}:{port}
              default_backend app
            backend app
            {(healthChecks ? HealthCheck : "")}
              server app 127.0.0.1:{server} {(version == 2 ? "send-proxy-v2" : "send-proxy")} source {source}{(healthChecks ? " " + HealthCheckOptions : "")}
            """));

    /// <summary>
    /// HAProxy in HTTP mode ending TLS, with a plain HTTP port beside it: both forward to the
    /// server's plain port with X-Forwarded-For (option forwardfor appends the client) and
    /// X-Forwarded-Proto (set, so a client's own value never passes).
    /// </summary>
    /// <param name="address">The loopback address clients connect to, over HTTPS and plain HTTP.</param>
    /// <param name="source">The loopback address HAProxy connects to the server from.</param>
    /// <param name="server">The server's plain HTTP port on 127.0.0.1.</param>
    /// <param name="certificates">HAProxy's certificate and key, in one PEM file.</param>
    public static Task<BalancerProcess> EndingTlsAsync(IPAddress address, IPAddress source, int server, TestCertificates certificates)
    {
        int plainPort = FreePorts.Take();
        return BalancerProcess.StartAsync("haproxy", address, (folder, port) => Configure(folder, $"""
            defaults
              mode http
            {Timeouts}
            frontend https
              bind {address}:{port} ssl crt {certificates.CombinedPem}
              http-request set-header X-Forwarded-Proto https
              default_backend app
            frontend http
              bind {address}:{plainPort}
              http-request set-header X-Forwarded-Proto http
              default_backend app
            backend app
              option forwardfor
              server app 127.0.0.1:{server} source {source}
            """), plainPort);
    }

    // Writes the configuration into the balancer's folder; returns HAProxy's command line for it.
    private static string[] Configure(string folder, FormattableString configuration)
    {
        string file = Path.Combine(folder, "haproxy.cfg");
        // HAProxy refuses a configuration whose last line has no line feed.
        File.WriteAllText(file, configuration.ToString(CultureInfo.InvariantCulture) + "\n");
        // -db: in the foreground, so the test owns the process and its end.
        return ["-db", "-f", file];
    }
}
