using System.Net.Sockets;
using AppHost.Contract;
using AppHost.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AppHost;

/// <summary>
/// Prometheus's <c>GET /metrics</c> on a plain HTTP listener of its own: <c>--metrics-port</c> on
/// <c>--metrics-host</c> (127.0.0.1 unless it says otherwise), or systemd's socket named "metrics".
/// It is a second Kestrel server with its own small limits that serves nothing but the metrics, so
/// the app's endpoints are never reachable through it and /metrics is never on the public port.
/// </summary>
public sealed class MetricsEndpoint : IAsyncDisposable
{
    /// <summary>The key of the app's property that holds the listener's address, for the ready file.</summary>
    internal const string AddressProperty = "AppHost.MetricsAddress";

    /// <summary>Why a build without metrics cannot serve them, and the fix.</summary>
    internal const string NotInThisBuild =
        $"{OptionNames.MetricsPort}: this build of the app has no metrics; set <MetricsSupport>true</MetricsSupport> in its .csproj and publish it again";

    // A stopping scraper's request is a few bytes; this is ample to finish it.
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(2);

    private readonly KestrelServer _server;
    private readonly MetricsPage _page;

    private MetricsEndpoint(KestrelServer server, MetricsPage page)
    {
        _server = server;
        _page = page;
    }

    /// <summary>
    /// Starts collecting the app's metrics (ASP.NET Core's, Kestrel's, the runtime's, the process's
    /// and AppHost's) and listening for scrapes, if <c>--metrics-port</c> or systemd asks for it.
    /// Call it after <c>builder.Build()</c> and before the app starts, so its first request is counted.
    /// </summary>
    /// <param name="app">The built app: its meters are exported, and its ready file names the listener.</param>
    /// <param name="options">--metrics-port and --metrics-host.</param>
    /// <param name="serviceManager">systemd's sockets: one named "metrics" is the listener.</param>
    /// <param name="tls">The certificates in service, whose expiry is exported; null for plain HTTP.</param>
    /// <param name="log">Where the listener's address is reported.</param>
    /// <returns>The running endpoint, to dispose once the app has stopped; null when metrics were not asked for.</returns>
    /// <exception cref="StartupException">The port is in use, or the address is not on this machine.</exception>
    public static async Task<MetricsEndpoint?> StartAsync(WebApplication app, ServerOptions options, ServiceManager serviceManager, ServerTls? tls, Serilog.ILogger log)
    {
        var socket = serviceManager.Sockets.FirstOrDefault(s => s.Name == SocketNames.Metrics);
        if (socket is null && options.MetricsPort is not int port)
        {
            return null;
        }

        // The app's build decides whether it can have metrics at all (MetricsSupport in its csproj).
        // Without them the trimmer removes everything below, so the file pays nothing for this feature.
        if (!MetricsFeature.IsSupported)
        {
            throw new StartupException(NotInThisBuild);
        }

        var kestrel = new KestrelServerOptions { AddServerHeader = false, ApplicationServices = app.Services };
        // A scraper keeps one connection per target; a second Prometheus and a person with curl need a
        // few more. A hundred is no scraper, and is refused rather than served.
        kestrel.Limits.MaxConcurrentConnections = 16;
        // A scrape is a GET with a few hundred bytes of headers and no body.
        kestrel.Limits.MaxRequestLineSize = 1024;
        kestrel.Limits.MaxRequestHeadersTotalSize = 8 * 1024;
        kestrel.Limits.MaxRequestHeaderCount = 32;
        kestrel.Limits.MaxRequestBodySize = 0;
        // Headers must arrive at once: a scraper sends them in one write.
        kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(5);
        // Kestrel's default keep-alive (130 s) outlasts Prometheus's default scrape interval (1 min), so a scraper keeps its connection; kept visible.
        kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(130);
        if (socket is not null)
        {
            kestrel.ListenHandle((ulong)socket.Descriptor, listen => listen.Protocols = HttpProtocols.Http1);
        }
        else
        {
            kestrel.Listen(options.MetricsHost, options.MetricsPort!.Value, listen => listen.Protocols = HttpProtocols.Http1);
        }

        var logging = (ILoggerFactory)app.Services.GetService(typeof(ILoggerFactory))!;
        // Built by hand, not from the app's services: this server's connections are not the app's, and do not count in its Kestrel metrics.
        var server = new KestrelServer(Options.Create(kestrel), new SocketTransportFactory(Options.Create(new SocketTransportOptions()), logging), logging);
        var page = new MetricsPage(app, tls);
        try
        {
            await server.StartAsync(new MetricsRequests(page, MetricsRequests.IsLoopback(options.MetricsHost)), CancellationToken.None);
        }
        catch (Exception e)
        {
            server.Dispose();
            page.Dispose();
            if (Explain(e, options) is { } explained)
            {
                throw explained;
            }

            throw;
        }

        string address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "";
        if (Uri.TryCreate(address, UriKind.Absolute, out var url))
        {
            ((IApplicationBuilder)app).Properties[AddressProperty] = url;
        }

        log.Information("Metrics on {Address}{Path}", address, MetricsRequests.Path);
        return new MetricsEndpoint(server, page);
    }

    /// <summary>Stops listening and collecting.</summary>
    /// <returns>A task that completes once the listener is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        using (var wait = new CancellationTokenSource(StopWait))
        {
            await _server.StopAsync(wait.Token);
        }

        _server.Dispose();
        _page.Dispose();
    }

    private static StartupException? Explain(Exception e, ServerOptions options)
    {
        string where = $"{options.MetricsHost}, port {options.MetricsPort}";
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            var error = (inner as SocketException)?.SocketErrorCode;
            if (inner is AddressInUseException || error == SocketError.AddressAlreadyInUse)
            {
                return new StartupException($"port {options.MetricsPort} is already in use ({where}); stop the other server or choose another port with {OptionNames.MetricsPort}", e);
            }

            if (error == SocketError.AddressNotAvailable)
            {
                return new StartupException($"address {options.MetricsHost} is not on this machine; give {OptionNames.MetricsHost} one of its addresses", e);
            }

            if (error == SocketError.AccessDenied)
            {
                return new StartupException($"not allowed to listen on port {options.MetricsPort} ({where}); give {OptionNames.MetricsPort} a port above 1023", e);
            }
        }

        return null;
    }
}
