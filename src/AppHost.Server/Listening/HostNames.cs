using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.DependencyInjection;

namespace AppHost;

/// <summary>
/// --host-name: requests must name one of these hosts, or get 400. Blocks DNS rebinding (a
/// hostile page resolving its own name to this server) and Host header abuse in generated links.
/// </summary>
public static class HostNames
{
    /// <summary>
    /// Sets up ASP.NET's host filtering for <paramref name="names"/>; <c>app.UseHostFiltering()</c>
    /// then applies it. With no names every host is accepted, as without the filter.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="names">The host names requests may be addressed to; "*.example.com" allows every subdomain.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddHostNames(this IServiceCollection services, IReadOnlyList<string> names) =>
        services.AddHostFiltering(filter => Configure(filter, names));

    internal static void Configure(HostFilteringOptions filter, IReadOnlyList<string> names)
    {
        // No names given: every host is accepted, as without the filter.
        filter.AllowedHosts = names.Count > 0 ? [.. names] : ["*"];
        // With names, a request without a Host header (HTTP/1.0) names none of them.
        filter.AllowEmptyHosts = names.Count == 0;
        // The 400 does not tell a prober which names are served.
        filter.IncludeFailureMessage = false;
    }
}
