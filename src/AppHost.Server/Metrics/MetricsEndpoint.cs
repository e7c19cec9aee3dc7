using System.Net.Sockets;
using AppHost.Contract;
using AppHost.Metrics;
using AppHost.Metrics.Otlp;
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
/// With <c>--otlp-endpoint</c> the same metrics are also, or instead, pushed to an OTLP receiver.
/// </summary>
public sealed class MetricsEndpoint : IAsyncDisposable
{
    /// <summary>The key of the app's property that holds the listener's address, for the ready file.</summary>
    internal const string AddressProperty = "AppHost.MetricsAddress";

    // A stopping scraper's request is a few bytes; this is ample to finish it.
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(2);

    private readonly KestrelServer? _server;
    private readonly OtlpPush? _push;
    private readonly MetricsPage _page;

    private MetricsEndpoint(KestrelServer? server, OtlpPush? push, MetricsPage page)
    {
        (_server, _push, _page) = (server, push, page);
    }

    /// <summary>
    /// Starts collecting the app's metrics (ASP.NET Core's, Kestrel's, the runtime's, the process's
    /// and AppHost's), listening for scrapes if <c>--metrics-port</c> or systemd asks for it, and
    /// pushing them by OTLP if <c>--otlp-endpoint</c> does. Call it after <c>builder.Build()</c> and
    /// before any middleware: it adds the one that times the app's requests, which must see them all.
    /// </summary>
    /// <param name="app">The built app: its meters are exported, and its ready file names the listener.</param>
    /// <param name="options">--metrics-port, --metrics-host, --otlp-endpoint, --otlp-interval and --otlp-headers-file.</param>
    /// <param name="serviceManager">systemd's sockets: one named "metrics" is the listener.</param>
    /// <param name="tls">The certificates in service, whose expiry is exported; null for plain HTTP.</param>
    /// <param name="log">Where the listener's address is reported, and a push that fails.</param>
    /// <returns>The running endpoint, to dispose once the app has stopped; null when metrics were not asked for.</returns>
    /// <exception cref="StartupException">The port is in use, the address is not on this machine, the OTLP headers file is wrong, or an OTLP option set in code is not valid.</exception>
    public static Task<MetricsEndpoint?> StartAsync(WebApplication app, ServerOptions options, ServiceManager serviceManager, ServerTls? tls, Serilog.ILogger log)
    {
        var socket = serviceManager.Sockets.FirstOrDefault(s => s.Name == SocketNames.Metrics);
        bool listen = socket is not null || options.MetricsPort is not null;
        if (!listen && options.OtlpEndpoint is null)
        {
            return Task.FromResult<MetricsEndpoint?>(null);
        }

        // The app's build decides whether it can have metrics at all (MetricsSupport in its csproj).
        // Without them the trimmer removes everything below, so the file pays nothing for this feature.
        if (!MetricsFeature.IsSupported)
        {
            throw new StartupException(NotInThisBuild(listen ? OptionNames.MetricsPort : OptionNames.OtlpEndpoint));
        }

        // The command line checks these; an app that sets them in code is checked here, with the same words.
        Uri? otlp = null;
        if (options.OtlpEndpoint is { } endpoint && !ValueSyntax.OtlpUrl.TryParse(endpoint.OriginalString, out otlp))
        {
            throw new StartupException(ValueSyntax.OtlpUrl.Problem(OptionNames.OtlpEndpoint, endpoint.OriginalString));
        }

        string interval = options.OtlpInterval.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!ValueSyntax.Interval.TryParse(interval, out _))
        {
            throw new StartupException(ValueSyntax.Interval.Problem(OptionNames.OtlpInterval, interval));
        }

        // Read before anything starts, so a wrong file stops the server with nothing left running.
        IReadOnlyList<KeyValuePair<string, string>> headers = otlp is not null && options.OtlpHeadersFile is { } file ? OtlpHeaders.Read(file) : [];

        // One collector for both: a second would record every measurement twice.
        var page = new MetricsPage(app, tls);
        page.TimeRequests(app);
        return listen ? ListenAsync(app, options, socket, page, otlp, headers, log) : Task.FromResult<MetricsEndpoint?>(new MetricsEndpoint(null, StartPush(page, otlp, headers, options, log), page));
    }

    /// <summary>Stops listening, pushes the last totals, and stops collecting.</summary>
    /// <returns>A task that completes once the listener is closed and the last push is done.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_server is not null)
            {
                using (var wait = new CancellationTokenSource(StopWait))
                {
                    await _server.StopAsync(wait.Token);
                }

                _server.Dispose();
            }
        }
        finally
        {
            if (_push is not null)
            {
                await _push.DisposeAsync();
            }

            _page.Dispose();
        }
    }

    /// <summary>Why a build without metrics cannot serve them, and the fix.</summary>
    /// <param name="option">The option that asked for them.</param>
    internal static string NotInThisBuild(string option) =>
        $"{option}: this build of the app has no metrics; set <MetricsSupport>true</MetricsSupport> in its .csproj and publish it again";

    private static OtlpPush? StartPush(MetricsPage page, Uri? otlp, IReadOnlyList<KeyValuePair<string, string>> headers, ServerOptions options, Serilog.ILogger log) =>
        otlp is null ? null : OtlpPush.Start(page, otlp, headers, options.OtlpInterval, options.AppName, page.Server, log);

    // The one async part (a method of its own rather than StartAsync's, whose second state machine would be more code in every file).
    private static async Task<MetricsEndpoint?> ListenAsync(WebApplication app, ServerOptions options, Systemd.InheritedSocket? socket, MetricsPage page, Uri? otlp,
        IReadOnlyList<KeyValuePair<string, string>> headers, Serilog.ILogger log)
    {
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
        // The push starts once listening has worked, so a listener that fails leaves nothing running.
        return new MetricsEndpoint(server, StartPush(page, otlp, headers, options, log), page);
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
