using System.Net;
using AppHost.Listening.Forwarding;
using Microsoft.AspNetCore.Builder;
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
    /// right to left, past every address that is itself trusted, to the first that is not: the client,
    /// with the entry's port if it gives one (<c>RemotePort</c> is 0 otherwise). An entry that is not
    /// an address ends the walk at the last address read, and so do 16 entries. X-Forwarded-Proto
    /// counts when it is http or https: its entry beside the client's address when both headers list
    /// as many entries, else its last, the nearest balancer's. From any other peer the headers are
    /// removed unread, so nothing after this can take them for true. With no peer named nothing is
    /// trusted, loopback neither, and this adds nothing.
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

        // Our own reader, not ASP.NET Core's ForwardedHeadersMiddleware: that one cost 10-14% of
        // HTTP/2 hello-world throughput and 32 KB of native file (docs/benchmarks.md), for features
        // this option does not use (X-Original-* headers, X-Forwarded-Host, options by name).
        return app.Use((context, next) =>
        {
            ForwardedRequest.Apply(context, trusted);
            return next(context);
        });
    }

    /// <summary>Whether <paramref name="peer"/> is one of <paramref name="trusted"/>; a dual-stack socket gives an IPv4 peer as an IPv4-mapped IPv6 address.</summary>
    internal static bool IsTrusted(IPAddress? peer, IReadOnlyList<IPNetwork> trusted)
    {
        if (peer is null)
        {
            return false;
        }

        var address = peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer;
        // An index, not foreach or LINQ: this runs for every request and every PROXY connection, and
        // foreach over an interface allocates its enumerator each time.
        for (int i = 0; i < trusted.Count; i++)
        {
            if (trusted[i].Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
