using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AppHostSample.Hosting;

/// <summary>Where the server listens, and with which protocols.</summary>
internal static class Listeners
{
    /// <param name="kestrel">The server to configure.</param>
    /// <param name="host">One address, or null for every interface, IPv4 and IPv6.</param>
    /// <param name="port">The TCP port; 0 lets the system pick one.</param>
    /// <param name="certificate">With a certificate HTTPS only; without one plain HTTP/1.1.</param>
    public static void Add(KestrelServerOptions kestrel, IPAddress? host, int port, ServerCertificate? certificate)
    {
        Action<ListenOptions> configure = certificate is null
            // HTTP/2 needs TLS to be negotiated (by ALPN), so a plain listener speaks HTTP/1.1 only.
            ? listen => listen.Protocols = HttpProtocols.Http1
            : listen => TlsSettings.UseHttps(listen, certificate);

        if (host is null)
        {
            kestrel.ListenAnyIP(port, configure);
        }
        else
        {
            kestrel.Listen(host, port, configure);
        }
    }
}
