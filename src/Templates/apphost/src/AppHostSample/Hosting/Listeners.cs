using System.Net;
using System.Net.Security;
using AppHostSample.Cli;
using AppHostSample.Systemd;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AppHostSample.Hosting;

/// <summary>Where the server listens, and with which protocols.</summary>
internal static class Listeners
{
    /// <param name="kestrel">The server to configure.</param>
    /// <param name="options">--host, --port and --http-port.</param>
    /// <param name="inherited">Sockets systemd passed in; when there are any, they replace the ports of the options.</param>
    /// <param name="tls">The TLS settings of each new handshake, or null for plain HTTP.</param>
    public static void Add(KestrelServerOptions kestrel, ServerOptions options, IReadOnlyList<InheritedSocket> inherited, Func<SslServerAuthenticationOptions>? tls)
    {
        Action<ListenOptions> main = tls is null ? PlainHttp : listen => TlsSettings.UseHttps(listen, tls);
        if (inherited.Count > 0)
        {
            foreach (var socket in inherited)
            {
                // A socket named "http" is the redirect listener; "https" (or an unnamed one) the server itself.
                kestrel.ListenHandle((ulong)socket.Descriptor, socket.Name == "http" ? PlainHttp : main);
            }

            return;
        }

        Listen(kestrel, options.Host, options.Port, main);
        if (options.HttpPort is int httpPort)
        {
            Listen(kestrel, options.Host, httpPort, PlainHttp);
        }
    }

    // HTTP/2 needs TLS to be negotiated (by ALPN), so a plain listener speaks HTTP/1.1 only.
    private static void PlainHttp(ListenOptions listen) => listen.Protocols = HttpProtocols.Http1;

    private static void Listen(KestrelServerOptions kestrel, IPAddress? host, int port, Action<ListenOptions> configure)
    {
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
