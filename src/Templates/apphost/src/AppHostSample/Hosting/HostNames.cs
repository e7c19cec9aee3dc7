using Microsoft.AspNetCore.HostFiltering;

namespace AppHostSample.Hosting;

/// <summary>
/// --host-name: requests must name one of these hosts, or get 400. Blocks DNS rebinding (a
/// hostile page resolving its own name to this server) and Host header abuse in generated links.
/// </summary>
internal static class HostNames
{
    public static void Configure(HostFilteringOptions filter, IReadOnlyList<string> names)
    {
        // No names given: every host is accepted, as without the filter.
        filter.AllowedHosts = names.Count > 0 ? [.. names] : ["*"];
        // With names, a request without a Host header (HTTP/1.0) names none of them.
        filter.AllowEmptyHosts = names.Count == 0;
        // The 400 does not tell a prober which names are served.
        filter.IncludeFailureMessage = false;
    }
}
