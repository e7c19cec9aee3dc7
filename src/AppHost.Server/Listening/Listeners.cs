using System.Net;
using AppHost.Acme.Challenges;
using AppHost.Contract;
using AppHost.Listening;
using AppHost.Listening.ProxyProtocol;
using AppHost.Stopping;
using AppHost.Systemd;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AppHost;

/// <summary>Where the server listens, and with which protocols.</summary>
public static class Listeners
{
    /// <summary>
    /// Listens on the sockets systemd passed in, if any, else on <c>--host</c>, <c>--port</c> and
    /// <c>--http-port</c>. With a certificate the main listener serves HTTPS (TLS 1.2 and 1.3, HTTP/2
    /// and HTTP/1.1 by ALPN); the plain HTTP listener and a server without one speak HTTP/1.1.
    /// On stop, every connection is drained so that no request its client already sent is lost
    /// (<see cref="GracefulStop"/>).
    /// </summary>
    /// <param name="kestrel">The server to configure.</param>
    /// <param name="options">--host, --port and --http-port.</param>
    /// <param name="serviceManager">The sockets systemd passed: a socket named "http" is the redirect listener, "https" (or an unnamed one) the server itself.</param>
    /// <param name="tls">The certificate in service, or null for plain HTTP.</param>
    public static void ListenAppHost(this KestrelServerOptions kestrel, ServerOptions options, ServiceManager serviceManager, ServerTls? tls)
    {
        Action<ListenOptions> https = tls is null ? PlainHttp : listen =>
        {
            // With ACME, TLS-ALPN-01 needs the ALPN list before the handshake (AlpnSniffer), also
            // on a socket systemd passed, and validation connections end before HTTP.
            if (tls.Challenges is { } challenges)
            {
                AlpnSniffer.UseBeforeTls(listen, challenges);
            }

            TlsSettings.UseHttps(listen, tls.Select);
            if (tls.Challenges is not null)
            {
                AlpnSniffer.UseAfterTls(listen);
            }

            DrainingConnections.Use(listen);
        };
        // Behind a balancer that sends the PROXY header, it comes first on every connection, before TLS.
        var main = WithProxyHeader(https, options);
        var plain = WithProxyHeader(PlainHttp, options);
        // systemd's socket named "metrics" is MetricsEndpoint's, never the app's.
        var sockets = serviceManager.Sockets.Where(s => s.Name != SocketNames.Metrics).ToList();
        if (sockets.Count > 0)
        {
            foreach (var socket in sockets)
            {
                kestrel.ListenHandle((ulong)socket.Descriptor, socket.Name == SocketNames.Http ? plain : main);
            }

            return;
        }

        Listen(kestrel, options.Host, options.Port, main);
        if (options.HttpPort is int httpPort)
        {
            Listen(kestrel, options.Host, httpPort, plain);
        }
    }

    private static Action<ListenOptions> WithProxyHeader(Action<ListenOptions> configure, ServerOptions options) => !options.ProxyProtocol ? configure : listen =>
    {
        ProxyHeaderConnections.Use(listen, options.ForwardedBy);
        configure(listen);
    };

    // HTTP/2 needs TLS to be negotiated (by ALPN), so a plain listener speaks HTTP/1.1 only.
    private static void PlainHttp(ListenOptions listen)
    {
        listen.Protocols = HttpProtocols.Http1;
        DrainingConnections.Use(listen);
    }

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
