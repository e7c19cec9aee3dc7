using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AppHost.Metrics.Otlp;

/// <summary>
/// OpenTelemetry's service.instance.id, which Prometheus makes the instance label: the machine's name
/// and the port the app serves on (shop-1:443), as Prometheus names a scrape target. Two servers on
/// one machine are told apart, and a restart keeps its series.
/// </summary>
internal static class ServiceInstance
{
    /// <param name="server">The app's server, whose first address gives the port once it listens.</param>
    /// <returns>The machine's name alone before the server listens, or when its address has no port (a systemd socket may not).</returns>
    public static string Id(IServer? server)
    {
        string? address = server?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return Uri.TryCreate(address, UriKind.Absolute, out var url) && url.Port > 0 ? $"{Environment.MachineName}:{url.Port}" : Environment.MachineName;
    }
}
