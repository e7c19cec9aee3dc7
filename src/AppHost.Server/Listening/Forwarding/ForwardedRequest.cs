using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using IPNetwork = System.Net.IPNetwork;

namespace AppHost.Listening.Forwarding;

/// <summary>
/// Per request, what --forwarded-by believes: the client's address from X-Forwarded-For and the
/// scheme from X-Forwarded-Proto, from a trusted peer only. This runs for every request, so it
/// walks the headers' own strings and allocates only the client's address.
/// </summary>
internal static class ForwardedRequest
{
    /// <summary>
    /// The most X-Forwarded-For entries walked. Each balancer appends one; real chains are a handful
    /// long (a CDN's edge, a regional balancer, an ingress: three), and 16 leaves room for any of
    /// them. A header of thousands of entries, which Kestrel's 32 KiB of headers allows, then costs
    /// at most 16 address parses; the client is past them, and the last trusted one read stands.
    /// </summary>
    public const int MaxEntries = 16;

    private const string ForwardedFor = "X-Forwarded-For";
    private const string ForwardedProto = "X-Forwarded-Proto";

    /// <summary>Applies the forwarding headers of a request from a peer in <paramref name="trusted"/>; from any other peer removes them unread.</summary>
    public static void Apply(HttpContext context, IReadOnlyList<IPNetwork> trusted)
    {
        var headers = context.Request.Headers;
        if (!ForwardedBy.IsTrusted(context.Connection.RemoteIpAddress, trusted))
        {
            // Removed, so nothing later (the app, a logger, a proxy it calls) takes them for true.
            headers.Remove(ForwardedFor);
            headers.Remove(ForwardedProto);
            return;
        }

        var forwardedFor = headers[ForwardedFor];
        int hop = ReadClient(context.Connection, forwardedFor, trusted);
        var forwardedProto = headers[ForwardedProto];
        if (forwardedProto.Count > 0)
        {
            ReadScheme(context.Request, forwardedProto, SchemeEntry(hop, forwardedFor, forwardedProto));
        }
    }

    // Walks X-Forwarded-For from the right past trusted addresses to the first that is not, and makes
    // it the connection's remote address. Returns the entry taken, counted from the right from 0, or
    // -1 when none was.
    private static int ReadClient(ConnectionInfo connection, StringValues forwardedFor, IReadOnlyList<IPNetwork> trusted)
    {
        var entries = new ListEntries(forwardedFor);
        IPAddress? client = null;
        int port = 0;
        int hop = -1;
        for (int i = 0; i < MaxEntries && entries.TryNext(out var entry); i++)
        {
            // An entry that is not an address (nginx's "unknown", a host name, garbage) ends the walk:
            // the balancer that wrote it could not name its client, so nothing to its left is known to
            // come from a trusted hop. The addresses read so far were, and the last of them stands.
            if (!ForwardedAddress.TryParse(entry, out var address, out int entryPort))
            {
                break;
            }

            (client, port, hop) = (address, entryPort, i);
            if (!ForwardedBy.IsTrusted(address, trusted))
            {
                break;
            }
        }

        if (client is not null)
        {
            connection.RemoteIpAddress = client;
            connection.RemotePort = port;
        }

        return hop;
    }

    // Which X-Forwarded-Proto entry, counted from the right, names the client's scheme. Each hop
    // appends its scheme beside the address it appends, so when both headers list as many entries,
    // the one beside the client's address is the scheme the client used (a CDN's https before an
    // inner balancer's http). When they do not line up (a balancer that sets X-Forwarded-Proto
    // rather than appending to it, behind one that appends X-Forwarded-For), only the last, the
    // nearest balancer's, is known to be a trusted hop's word. So is it when no address was taken.
    private static int SchemeEntry(int hop, StringValues forwardedFor, StringValues forwardedProto)
    {
        if (hop <= 0)
        {
            return 0;
        }

        // Counted one past the cap: two lists longer than it are not known to line up.
        int count = ListEntries.Count(forwardedFor, MaxEntries + 1);
        return count <= MaxEntries && count == ListEntries.Count(forwardedProto, MaxEntries + 1) ? hop : 0;
    }

    // Sets the request's scheme from the entry given, if it is http or https; any other value says
    // nothing this server can act on, and is ignored. The constants, not the header's text, so
    // nothing is allocated and the scheme is always lower case.
    private static void ReadScheme(HttpRequest request, StringValues forwardedProto, int index)
    {
        var entries = new ListEntries(forwardedProto);
        for (int i = 0; entries.TryNext(out var entry); i++)
        {
            if (i < index)
            {
                continue;
            }

            if (entry.Equals(Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
            {
                request.Scheme = Uri.UriSchemeHttps;
            }
            else if (entry.Equals(Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase))
            {
                request.Scheme = Uri.UriSchemeHttp;
            }

            return;
        }
    }
}
