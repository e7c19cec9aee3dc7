using System.CommandLine;
using System.Net;
using Serilog.Events;

namespace AppHost;

/// <summary>
/// Everything the command line decides, already validated: the standard options of every AppHost
/// server, and through <see cref="GetValue{T}"/> the app's own. Defaults are those of <c>--help</c>.
/// </summary>
public sealed record ServerOptions
{
    /// <summary>The address to listen on.</summary>
    /// <remarks>Defaults to null: every interface, IPv4 and IPv6.</remarks>
    public IPAddress? Host { get; init; }

    /// <summary>The TCP port to listen on; 0 lets the system pick a free one.</summary>
    /// <remarks>Defaults to 8080.</remarks>
    public int Port { get; init; } = 8080;

    /// <summary>A plain HTTP port that answers every request with a redirect (308) to HTTPS.</summary>
    /// <remarks>Defaults to null: no redirect listener. Needs <see cref="Certificate"/> or <see cref="Acme"/>, whose HTTP-01 challenges it also answers.</remarks>
    public int? HttpPort { get; init; }

    /// <summary>The host names requests may be addressed to; others get 400 (stops DNS rebinding and Host header abuse).</summary>
    /// <remarks>Defaults to empty: every host name is accepted.</remarks>
    public IReadOnlyList<string> HostNames { get; init; } = [];

    /// <summary>The HTTPS certificate.</summary>
    /// <remarks>Defaults to null: plain HTTP/1.1, for development or behind a TLS-terminating balancer.</remarks>
    public CertificateFiles? Certificate { get; init; }

    /// <summary>Automatic HTTPS: certificates from an ACME CA instead of <see cref="Certificate"/>.</summary>
    /// <remarks>Defaults to null: no ACME.</remarks>
    public AcmeOptions? Acme { get; init; }

    /// <summary>The load balancers whose X-Forwarded-For and X-Forwarded-Proto are believed (<see cref="ForwardedBy.UseForwardedBy"/>).</summary>
    /// <remarks>Defaults to empty: no peer is believed, loopback neither.</remarks>
    public IReadOnlyList<IPNetwork> ForwardedBy { get; init; } = [];

    /// <summary>Whether every listener expects a PROXY protocol header from a <see cref="ForwardedBy"/> peer and takes the client's address from it.</summary>
    /// <remarks>Defaults to false.</remarks>
    public bool ProxyProtocol { get; init; }

    /// <summary>The port of the Prometheus metrics listener (<see cref="MetricsEndpoint"/>); 0 lets the system pick a free one.</summary>
    /// <remarks>Defaults to null: no metrics listener, unless systemd passes a socket named "metrics".</remarks>
    public int? MetricsPort { get; init; }

    /// <summary>The address of the metrics listener; while it is a loopback address, only this machine's peers are answered.</summary>
    /// <remarks>Defaults to 127.0.0.1.</remarks>
    public IPAddress MetricsHost { get; init; } = IPAddress.Loopback;

    /// <summary>The OTLP/HTTP receiver the metrics are pushed to (<see cref="MetricsEndpoint"/>), such as http://127.0.0.1:4318/v1/metrics.</summary>
    /// <remarks>Defaults to null: no push.</remarks>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>How often the metrics are pushed to <see cref="OtlpEndpoint"/>.</summary>
    /// <remarks>Defaults to 60 seconds, OpenTelemetry's own default (OTEL_METRIC_EXPORT_INTERVAL).</remarks>
    public TimeSpan OtlpInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A file of headers sent with every push to <see cref="OtlpEndpoint"/>, one <c>Name: value</c> per line: a receiver's key.</summary>
    /// <remarks>Defaults to null: no headers but the push's own.</remarks>
    public string? OtlpHeadersFile { get; init; }

    /// <summary>The least important log events written.</summary>
    /// <remarks>Defaults to <see cref="LogEventLevel.Information"/>.</remarks>
    public LogEventLevel LogLevel { get; init; } = LogEventLevel.Information;

    /// <summary>How log events are written.</summary>
    /// <remarks>The command line defaults it to text on a terminal and JSON when standard output is redirected.</remarks>
    public LogFormat LogFormat { get; init; } = LogFormat.Text;

    /// <summary>How long in-flight requests may run on after a stop signal.</summary>
    /// <remarks>Defaults to 30 seconds: longer than almost any request, shorter than systemd's 90 s stop timeout.</remarks>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The most connections open at once; further ones are refused until some close.</summary>
    /// <remarks>
    /// Defaults to 10,000: far above a small site's load. Under a slow attack each TLS connection costs
    /// 100-150 KiB, so the cap bounds that to 1-1.5 GB; machines with less to spare lower it.
    /// </remarks>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>The app's name (the native file's), which names its default state folder.</summary>
    internal string AppName { get; init; } = "apphost";

    /// <summary>Where to write the ready file once listening (--ready-file), or null for none.</summary>
    internal string? ReadyFile { get; init; }

    /// <summary>The parsed command line, for the app's own options.</summary>
    internal ParseResult? Parsed { get; init; }

    /// <summary>The value of one of the app's own options, as passed to <see cref="ServerCommand.Run"/>.</summary>
    /// <typeparam name="T">The option's value type.</typeparam>
    /// <param name="option">The option.</param>
    /// <returns>The value given on the command line, or the option's default.</returns>
    /// <exception cref="InvalidOperationException">These options did not come from a command line.</exception>
    public T? GetValue<T>(Option<T> option) =>
        Parsed is { } parsed ? parsed.GetValue(option) : throw new InvalidOperationException("these options were not parsed from a command line");
}
