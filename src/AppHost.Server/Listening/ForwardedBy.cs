using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace AppHost;

/// <summary>
/// --forwarded-by: behind a load balancer, the client's address and the scheme it used come from
/// the balancer's X-Forwarded-For and X-Forwarded-Proto, believed from the named peers only.
/// </summary>
public static class ForwardedBy
{
    /// <summary>
    /// Takes the client's address (<c>HttpContext.Connection.RemoteIpAddress</c>) and the scheme
    /// (<c>Request.Scheme</c>, so HTTPS ended at the balancer counts as HTTPS) from the forwarding
    /// headers of a request whose peer is in <paramref name="trusted"/>. X-Forwarded-For is read from
    /// right to left, past every address that is itself trusted, to the first that is not: the client.
    /// From any other peer the headers are removed unread, so nothing after this can take them for
    /// true. With no peer named nothing is trusted, loopback neither, and this adds nothing.
    /// </summary>
    /// <param name="app">The app; put this before the request log, the redirect and the security headers, which use what it sets.</param>
    /// <param name="trusted">The balancers' addresses and ranges (--forwarded-by).</param>
    /// <returns>The app, for chaining.</returns>
    public static IApplicationBuilder UseForwardedBy(this IApplicationBuilder app, IReadOnlyList<IPNetwork> trusted)
    {
        if (trusted.Count == 0)
        {
            return app;
        }

        // ASP.NET Core's own middleware, configured outright: its defaults trust loopback and read
        // one entry only. X-Forwarded-Host is left alone: the host filter checks the Host the client sent.
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = null,
        };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var network in trusted)
        {
            options.KnownIPNetworks.Add(network);
        }

        app.Use((context, next) =>
        {
            if (!IsTrusted(context.Connection.RemoteIpAddress, trusted))
            {
                context.Request.Headers.Remove(options.ForwardedForHeaderName);
                context.Request.Headers.Remove(options.ForwardedProtoHeaderName);
            }

            return next(context);
        });
        return app.UseForwardedHeaders(options);
    }

    /// <summary>Whether <paramref name="peer"/> is one of <paramref name="trusted"/>; a dual-stack socket gives an IPv4 peer as an IPv4-mapped IPv6 address.</summary>
    internal static bool IsTrusted(IPAddress? peer, IReadOnlyList<IPNetwork> trusted)
    {
        if (peer is null)
        {
            return false;
        }

        var address = peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer;
        // A loop, not LINQ: this runs for every request and every PROXY connection.
        foreach (var network in trusted)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
