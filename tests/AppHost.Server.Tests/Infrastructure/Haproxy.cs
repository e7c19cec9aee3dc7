using System.Globalization;
using System.Net;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// Debian's HAProxy in TCP mode in front of a server: TLS passes through, and each connection to
/// the server starts with a PROXY header, version 1 or 2, sent from the balancer's own address.
/// </summary>
public static class Haproxy
{
    // A server answers /healthz 503 once it drains; three failed checks 2 s apart take it out, which a
    // restart's drain of about a second never reaches while the socket holds new connections.
    private const string HealthCheck = "  option httpchk GET /healthz\n  http-check expect status 200";
    private const string HealthCheckOptions = "check check-ssl verify none check-send-proxy inter 2s fall 3 rise 1";

    /// <param name="address">The loopback address clients connect to.</param>
    /// <param name="source">The loopback address HAProxy connects to the server from.</param>
    /// <param name="server">The server's port on 127.0.0.1.</param>
    /// <param name="version">1 (send-proxy) or 2 (send-proxy-v2).</param>
    /// <param name="healthChecks">Check the server as a balancer in production does: GET /healthz over TLS, with the PROXY header, every 2 s.</param>
    public static Task<BalancerProcess> StartAsync(IPAddress address, IPAddress source, int server, int version, bool healthChecks = false) =>
        BalancerProcess.StartAsync("haproxy", address, (folder, port) =>
        {
            string configuration = Path.Combine(folder, "haproxy.cfg");
            // HAProxy refuses a configuration whose last line has no line feed.
            File.WriteAllText(configuration, string.Create(CultureInfo.InvariantCulture, $"""
                defaults
                  mode tcp
                  timeout connect 5s
                  timeout client 30s
                  timeout server 30s
                frontend clients
                  bind {address}:{port}
                  default_backend app
                backend app
                {(healthChecks ? HealthCheck : "")}
                  server app 127.0.0.1:{server} {(version == 2 ? "send-proxy-v2" : "send-proxy")} source {source}{(healthChecks ? " " + HealthCheckOptions : "")}
                """) + "\n");
            // -db: in the foreground, so the test owns the process and its end.
            return ["-db", "-f", configuration];
        });
}
