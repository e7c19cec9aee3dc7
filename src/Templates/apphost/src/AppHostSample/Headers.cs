using Microsoft.AspNetCore.Http;

namespace AppHostSample;

/// <summary>Headers every response carries. This is the place to add more (Content-Security-Policy, Referrer-Policy).</summary>
internal static class Headers
{
    public static void Add(HttpRequest request, IHeaderDictionary headers)
    {
        // Browsers must not second-guess the declared content type (MIME sniffing turns uploads into scripts).
        headers.XContentTypeOptions = "nosniff";
        if (request.IsHttps)
        {
            // Browsers that saw this host once use only HTTPS for it for a year (365 days in
            // seconds). Sent over HTTPS only, where browsers heed it (RFC 6797). No
            // includeSubDomains: the other hosts of the domain are not this server's to decide for.
            headers.StrictTransportSecurity = "max-age=31536000";
        }
    }
}
