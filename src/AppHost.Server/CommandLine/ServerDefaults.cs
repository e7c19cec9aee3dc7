using System.Net;
using Serilog.Events;

namespace AppHost;

/// <summary>
/// The values an app chooses in code for the standard options that its command line and
/// environment leave unset, for example <c>new ServerDefaults { Port = 8080 }</c>. Only these
/// options have app defaults: a certificate, ACME names or host names are a deployment's choice.
/// </summary>
public sealed record ServerDefaults
{
    /// <summary>The TCP port to listen on; 0 lets the system pick a free one.</summary>
    /// <remarks>Defaults to 8080: above 1023, so the server needs no privilege.</remarks>
    public int Port { get; init; } = 8080;

    /// <summary>The address to listen on.</summary>
    /// <remarks>Defaults to null: every interface, IPv4 and IPv6.</remarks>
    public IPAddress? Host { get; init; }

    /// <summary>A plain HTTP port that redirects to HTTPS; 0 lets the system pick a free one.</summary>
    /// <remarks>Defaults to null: no redirect listener.</remarks>
    public int? HttpPort { get; init; }

    /// <summary>The least important log events written.</summary>
    /// <remarks>Defaults to <see cref="LogEventLevel.Information"/>.</remarks>
    public LogEventLevel LogLevel { get; init; } = LogEventLevel.Information;

    /// <summary>How long in-flight requests may run on after a stop signal.</summary>
    /// <remarks>Defaults to 30 seconds: longer than almost any request, shorter than systemd's 90 s stop timeout.</remarks>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The most connections open at once; further ones are refused until some close.</summary>
    /// <remarks>
    /// Defaults to 10,000: far above a small site's load. Under a slow attack each TLS connection costs
    /// 100-150 KiB, so the cap bounds that to 1-1.5 GB; machines with less to spare lower it.
    /// </remarks>
    public int MaxConnections { get; init; } = 10_000;
}
