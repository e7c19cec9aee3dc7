using AppHost.Running;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace AppHost;

/// <summary>Runs a built server from its first listening socket to its clean stop.</summary>
public static class ServerRun
{
    /// <summary>
    /// Starts listening (a port in use or an address not on this machine is one line and exit 1),
    /// logs where and with which certificate, writes the ready file (--ready-file), tells systemd
    /// READY, and returns once SIGTERM, SIGINT or Ctrl-C has stopped the server and its in-flight
    /// requests have finished, or the shutdown timeout has passed. systemd hears STOPPING as the
    /// drain begins.
    /// </summary>
    /// <param name="app">The built app.</param>
    /// <param name="options">The server's options.</param>
    /// <param name="log">The logger of <see cref="ServerLogging.Create(ServerOptions)"/>.</param>
    /// <param name="tls">The certificate in service, or null for plain HTTP.</param>
    /// <param name="serviceManager">systemd's sockets and notification socket.</param>
    /// <returns><see cref="ExitCodes.Success"/>.</returns>
    /// <exception cref="StartupException">The server could not listen.</exception>
    public static async Task<int> RunUntilStoppedAsync(this WebApplication app, ServerOptions options, Serilog.ILogger log, ServerTls? tls, ServiceManager serviceManager)
    {
        await app.StartListeningAsync(options.Host, options.Port, options.HttpPort);
        StartupReport.Write(log, app, tls, serviceManager.Sockets);
        if (options.ReadyFile is { } readyFile)
        {
            ReadyFileWriter.Write(readyFile, app, tls, options.AppName);
        }

        string listening = $"Listening on {string.Join(", ", app.Urls)}";
        if (tls is null)
        {
            serviceManager.Notifier?.Ready(listening);
        }
        else
        {
            // The plain listener: systemd's socket named "http", or else --http-port.
            bool plainHttp = serviceManager.Sockets.Count > 0 ? serviceManager.Sockets.Any(s => s.Name == Contract.SocketNames.Http) : options.HttpPort is not null;
            tls.OnListening(app, serviceManager, plainHttp, listening);
        }

        using var stopping = app.Lifetime.ApplicationStopping.Register(() => serviceManager.Notifier?.Stopping("Finishing in-flight requests"));

        await app.WaitForShutdownAsync();
        log.Information("Stopped");
        return ExitCodes.Success;
    }
}
