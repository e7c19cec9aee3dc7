using AppHost.Certificates;
using AppHost.Systemd;
using Microsoft.AspNetCore.Builder;

namespace AppHost.Running;

/// <summary>The start-up lines operators look for: where the server listens, and with what.</summary>
internal static class StartupReport
{
    public static void Write(Serilog.ILogger log, WebApplication app, ServerTls? tls, IReadOnlyList<InheritedSocket> inherited)
    {
        if (inherited.Count > 0)
        {
            log.Information("Serving on {Count} sockets passed by systemd ({Names:l})", inherited.Count, string.Join(", ", inherited.Select(s => s.Name)));
        }

        string addresses = string.Join(", ", app.Urls);
        string redirect = app.Urls.Any(url => url.StartsWith("http://", StringComparison.Ordinal)) ? "; plain HTTP redirects to HTTPS" : "";
        if (tls?.AutomaticCertificates is { } automatic)
        {
            log.Information("Listening on {Addresses:l} (TLS on, HTTP/2 on{Redirect:l})", addresses, redirect);
            // Until a name's first certificate arrives, its handshakes are refused; the other names and the redirect serve.
            log.Information("Certificates from the ACME CA {Directory:l} for {Names:l}{Waiting:l}", automatic.Options.Directory, string.Join(", ", automatic.Options.Domains),
                automatic.Waiting is { Count: > 0 } waiting ? $"; ordering {string.Join(", ", waiting)} now, its handshakes are refused until it arrives" : "");
            return;
        }

        if (tls?.Initial is not { } certificate)
        {
            log.Information("Listening on {Addresses:l} (TLS off, HTTP/2 off)", addresses);
            log.Warning("No certificate: serving plain HTTP. Use this for development or behind a TLS-terminating load balancer; give --cert or --acme-domain for HTTPS and HTTP/2");
            return;
        }

        log.Information("Listening on {Addresses:l} (TLS on, HTTP/2 on{Redirect:l})", addresses, redirect);
        log.Information("Certificate {Subject:l}, SHA-256 {Fingerprint:l}, expires {NotAfter:yyyy-MM-dd}",
            certificate.Leaf.Subject, certificate.Fingerprint, certificate.Leaf.NotAfter.ToUniversalTime());
    }
}
