using AppHost.Contract;

namespace AppHost.Cli.Commands.Service;

/// <summary>
/// Renders the socket units: NAME.socket for the port the server answers on, NAME-http.socket
/// for the HTTP-to-HTTPS redirect, and NAME-metrics.socket for Prometheus. systemd holds the sockets,
/// so connections wait in the kernel's queue while the server restarts, and none is refused.
/// </summary>
internal static class SocketUnit
{
    /// <summary>NAME.socket: named https, or http when the server has no certificate and speaks plain HTTP.</summary>
    public static UnitFile RenderMain(ServiceDefinition service) => !service.ServesHttps
        ? Render(service, service.Name, $"{service.Name} web server, plain HTTP", EveryAddress(service.Port), SocketNames.Http,
            "Named http: with no certificate the server speaks plain HTTP on it.")
        : Render(service, service.Name, $"{service.Name} web server, HTTPS", EveryAddress(service.Port), SocketNames.Https,
            service.Acme is null ? "Named https: the server serves this socket with TLS (HTTP/1.1 and HTTP/2)."
                : "Named https: the server serves this socket with TLS (HTTP/1.1 and HTTP/2), and answers the CA's TLS-ALPN-01 challenges on it.");

    /// <summary>NAME-http.socket: the redirect. FileDescriptorName= names every socket of a unit alike, so it needs a unit of its own.</summary>
    public static UnitFile RenderRedirect(ServiceDefinition service, int port) =>
        Render(service, service.RedirectSocketName, $"{service.Name} web server, HTTP redirect to HTTPS", EveryAddress(port), SocketNames.Http,
            (service.Acme is null ? "Named http: the server answers every request on it with a redirect (308) to HTTPS."
                : "Named http: the server answers the CA's HTTP-01 challenges on it, and every other request with a redirect (308) to HTTPS.")
            + "\nA unit of its own, as FileDescriptorName= names all the sockets of a unit alike.");

    /// <summary>NAME-metrics.socket: Prometheus's /metrics, on the one address given (loopback unless told otherwise).</summary>
    public static UnitFile RenderMetrics(ServiceDefinition service, System.Net.IPEndPoint metrics) =>
        Render(service, service.MetricsSocketName, $"{service.Name} web server, Prometheus metrics", (
            System.Net.IPAddress.IsLoopback(metrics.Address)
                ? $"Port {metrics.Port} on {metrics.Address} only: the figures tell a stranger the load, the versions and the certificate's expiry."
                : $"Port {metrics.Port} on {metrics.Address} only, for a Prometheus on that network; let only it through the firewall.",
            metrics.ToString()),
            SocketNames.Metrics, "Named metrics: the server serves only GET /metrics on it, in a listener of its own.\nA unit of its own, as FileDescriptorName= names all the sockets of a unit alike.");

    // The main and redirect sockets: the port on IPv4 and IPv6 alike.
    private static (string Why, string Value) EveryAddress(int port) =>
        ($"Port {port} on every address. systemd binds it as root, so the server needs no privilege even below 1024.", $"{port}");

    private static UnitFile Render(ServiceDefinition service, string unitName, string description, (string Why, string Value) listen, string descriptorName, string whyName)
    {
        var unit = new UnitFileBuilder($"""
            A listening socket of {service.Name}.service, which it starts on the first connection. Written by `apphost service`.
            Enable: sudo systemctl enable --now {unitName}.socket
            """);

        unit.Section("Unit");
        unit.Add("Shown by systemctl status and in the journal.", $"Description={description}");

        unit.Section("Socket");
        unit.Add(listen.Why, $"ListenStream={listen.Value}");
        unit.Add(whyName, $"FileDescriptorName={descriptorName}");
        unit.Add("One socket for IPv4 and IPv6 alike, whatever the net.ipv6.bindv6only sysctl says.", "BindIPv6Only=both");
        unit.Add("Connections the kernel queues until the server accepts them, also while it restarts: room for a burst of\nthousands (Kestrel's own default is 512). The kernel caps it at net.core.somaxconn, 4096 since Linux 5.4.", "Backlog=4096");
        unit.Add("Small writes (TLS handshake records, HTTP/2 frames) leave at once rather than wait for Nagle's algorithm.", "NoDelay=true");
        unit.Add("One server process gets the listening socket and accepts the connections itself.", "Accept=no");
        unit.Add("The service the socket is passed to.", $"Service={service.Name}.service");

        unit.Section("Install");
        unit.Add($"systemctl enable: listening from boot; the first connection starts {service.Name}.service.", "WantedBy=sockets.target");
        return unit.Build($"{unitName}.socket");
    }
}
