namespace AppHost.Cli.Commands.Service;

/// <summary>The unit files of a service, rendered from checked values; nothing here reads or writes a file.</summary>
internal static class UnitFiles
{
    /// <returns>NAME.service, NAME.socket and, when there is a redirect port, NAME-http.socket.</returns>
    public static IReadOnlyList<UnitFile> Render(ServiceDefinition service) => service.HttpPort is int httpPort
        ? [ServiceUnit.Render(service), SocketUnit.RenderMain(service), SocketUnit.RenderRedirect(service, httpPort)]
        : [ServiceUnit.Render(service), SocketUnit.RenderMain(service)];
}
