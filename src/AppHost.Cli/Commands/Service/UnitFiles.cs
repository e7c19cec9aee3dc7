namespace AppHost.Cli.Commands.Service;

/// <summary>The unit files of a service, rendered from checked values; nothing here reads or writes a file.</summary>
internal static class UnitFiles
{
    /// <returns>NAME.service, NAME.socket, then NAME-http.socket when there is a redirect port and NAME-metrics.socket when there are metrics.</returns>
    public static IReadOnlyList<UnitFile> Render(ServiceDefinition service) =>
    [
        ServiceUnit.Render(service),
        SocketUnit.RenderMain(service),
        .. service.HttpPort is int httpPort ? [SocketUnit.RenderRedirect(service, httpPort)] : Array.Empty<UnitFile>(),
        .. service.Metrics is { } metrics ? [SocketUnit.RenderMetrics(service, metrics)] : Array.Empty<UnitFile>(),
    ];
}
