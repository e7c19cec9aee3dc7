using System.Runtime.InteropServices;
using AppHostSample.Cli;
using AppHostSample.Endpoints;
using AppHostSample.Hosting;
using AppHostSample.Logging;
using AppHostSample.Systemd;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace AppHostSample;

/// <summary>
/// The whole server, top to bottom: every setting is here or in a file named by the line that
/// uses it. Nothing is read from appsettings.json, ASPNETCORE_* variables or launchSettings.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => ServerCommand.Run(args, ServeAsync);

    private static async Task<int> ServeAsync(ServerOptions options)
    {
        // Logging first: the server's own events, Kestrel's and every request go through this one logger.
        using var log = AppLogging.Create(options.LogLevel, options.LogFormat);

        // Before Main, the native runtime expanded its compressed type data; those 1.7 MB of the file need not stay in memory.
        StartupData.Release(log);

        // The certificate is checked before anything listens: a bad one stops start-up with one
        // line. Then it is reloaded whenever its files change, or on SIGHUP.
        var certificate = options.Certificate is null ? null : CertificateLoader.Load(options.Certificate, DateTimeOffset.UtcNow);
        using var tls = certificate is null ? null : new CertificateReloader(options.Certificate!, certificate, log);
        // SIGHUP means "reload" (systemctl reload); it must never stop the server, certificate or not.
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
        {
            signal.Cancel = true;
            tls?.ReloadSoon();
        });

        // Under systemd: the listening sockets it holds across restarts, and its notification socket.
        var inherited = SocketActivation.Take();
        using var systemd = SystemdNotifier.FromEnvironment();

        var builder = WebApplication.CreateEmptyBuilder(new() { ApplicationName = AppInfo.Name });
        builder.Logging.AddSerilog(log);
        builder.Services.AddRoutingCore();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.AddHostFiltering(hosts => HostNames.Configure(hosts, options.HostNames));
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false; // don't advertise the stack
            ServerLimits.Apply(kestrel.Limits, options.MaxConnections);
            Listeners.Add(kestrel, options, inherited, tls is null ? null : () => tls.Current);
        });

        await using var app = builder.Build();
        app.UseRequestLogging(log);
        app.UseHostFiltering();
        app.UseSecurityHeaders();
        if (tls is not null && (options.HttpPort is not null || inherited.Any(s => s.Name == "http")))
        {
            app.UseRedirectToHttps();
        }

        app.MapHome();
        app.MapHealth(app.Lifetime.ApplicationStopping);
        app.MapGreeting();

        await app.StartListeningAsync(options.Host, options.Port);
        StartupReport.Write(log, app, certificate, inherited);
        systemd?.Ready($"Listening on {string.Join(", ", app.Urls)}");
        app.Lifetime.ApplicationStopping.Register(() => systemd?.Stopping("Finishing in-flight requests"));

        // Returns once SIGTERM, SIGINT or Ctrl-C has stopped the server and in-flight requests
        // have finished, or --shutdown-timeout has passed.
        await app.WaitForShutdownAsync();
        log.Information("Stopped");
        return ExitCodes.Success;
    }
}
