using AppHost;
using AppHostSample.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace AppHostSample;

/// <summary>
/// The whole server, top to bottom: every decision is here or in a file named by the line that
/// makes it. The machinery each line names lives in the AppHost.Server package. Nothing is read
/// from appsettings.json, ASPNETCORE_* variables or launchSettings.
/// </summary>
public static class Program
{
    /// <summary>The native file's name; in upper case, the prefix of the environment variables (APPHOSTSAMPLE_PORT).</summary>
    private const string Name = "apphostsample";

    /// <summary>The port the server listens on unless --port or APPHOSTSAMPLE_PORT says otherwise; above 1023, so it needs no privilege.</summary>
    private const int DefaultPort = 8080;

    public static int Main(string[] args) => ServerCommand.Run(Name, args, ServeAsync, new ServerDefaults { Port = DefaultPort }, AppOptions.Greeting);

    private static async Task<int> ServeAsync(ServerOptions options)
    {
        // Logging first: the server's own events, Kestrel's and every request go through this one logger.
        using var log = ServerLogging.Create(options);

        // Before Main, the native runtime expanded its compressed type data; that part of the file need not stay in memory.
        StartupData.Release(log);

        // The certificate: with --acme-domain, got and renewed from an ACME CA such as Let's Encrypt
        // in the background; else --cert, checked before anything listens (a bad one stops start-up
        // with one line) and reloaded whenever its files change, or on SIGHUP (systemctl reload).
        using var tls = options.Acme is not null ? AutomaticHttps.Start(options, log) : ServerTls.Load(options, log);
        using var reload = ReloadSignal.Handle(tls);

        // Under systemd: the listening sockets it holds across restarts, and its notification socket.
        using var serviceManager = ServiceManager.FromEnvironment();

        var builder = WebApplication.CreateEmptyBuilder(new() { ApplicationName = Name });
        builder.Logging.AddSerilog(log);
        builder.Services.AddRoutingCore();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.AddHostNames(options.HostNames);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false; // don't advertise the stack
            Limits.Apply(kestrel.Limits, options.MaxConnections);
            kestrel.ListenAppHost(options, serviceManager, tls);
        });

        await using var app = builder.Build();
        // --metrics-port: Prometheus's /metrics on a listener of its own, 127.0.0.1 unless --metrics-host opens it;
        // off without it, and only in a build with MetricsSupport (the csproj says why it is off).
        // Before the middleware, as it adds the one that times every request.
        await using var metrics = await MetricsEndpoint.StartAsync(app, options, serviceManager, tls, log);
        // First, so it sees every request: during a stop (SIGTERM, systemctl restart), a request on
        // a keep-alive connection is answered with Connection: close rather than dropped.
        app.UseGracefulStop();
        // A small response of unknown length (a string, JSON, an error) leaves whole with its
        // Content-Length: one write and one TLS record rather than two chunks. A response that
        // streams says so (DisableBuffering(), text/event-stream) and is sent as it is written.
        app.UseSizedResponses();
        // Behind a load balancer: the client's address and scheme, believed from --forwarded-by's peers only.
        app.UseForwardedBy(options.ForwardedBy);
        app.UseRequestLog(log);
        // The CA's HTTP-01 checks on the plain HTTP listener, before the host filter and the redirect.
        app.UseAcmeHttpChallenge(tls);
        app.UseHostFiltering();
        app.UseSecurityHeaders(Headers.Add);
        if (tls is not null)
        {
            // With a certificate, a request that arrives over plain HTTP (--http-port) gets 308 to HTTPS.
            app.UseRedirectToHttps();
        }

        // wwwroot/, built into the one file: compressed, validated and ranged; endpoints come first.
        app.MapEmbeddedFiles(WwwRoot.Files);
        app.MapHome();
        app.MapHealth(app.Lifetime.ApplicationStopping);
        app.MapGreeting(options.GetValue(AppOptions.Greeting)!);

        // Returns once SIGTERM, SIGINT or Ctrl-C has stopped the server and in-flight requests
        // have finished, or --shutdown-timeout has passed.
        return await app.RunUntilStoppedAsync(options, log, tls, serviceManager);
    }
}
