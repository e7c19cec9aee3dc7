using System.Net.Security;
using AppHost.Certificates;

namespace AppHost;

/// <summary>
/// The HTTPS certificate in service: loaded and checked before anything listens, then loaded again
/// whenever its files change (certbot and cert-manager replace them by atomic rename or symlink
/// swap) or <see cref="Reload"/> is called. New handshakes get the new certificate; open connections
/// keep theirs; a new file that does not load is logged as an error and the one in service stays.
/// </summary>
public sealed class ServerTls : IDisposable
{
    private readonly CertificateReloader _reloader;

    private ServerTls(ServerCertificate initial, CertificateReloader reloader)
    {
        Initial = initial;
        _reloader = reloader;
    }

    /// <summary>The certificate the server started with, for the start-up report.</summary>
    internal ServerCertificate Initial { get; }

    /// <summary>What each new TLS handshake is served with.</summary>
    internal SslServerAuthenticationOptions Current => _reloader.Current;

    /// <summary>Loads <c>--cert</c> (with <c>--key</c> and the password, if any) and watches its files.</summary>
    /// <param name="options">The server's options.</param>
    /// <param name="log">Where reloads and failed reloads are reported.</param>
    /// <returns>The certificate in service, or null when no <c>--cert</c> was given (plain HTTP).</returns>
    /// <exception cref="StartupException">The certificate cannot be served: missing, unreadable, expired, wrong password, key of another certificate.</exception>
    public static ServerTls? Load(ServerOptions options, Serilog.ILogger log)
    {
        if (options.Certificate is not { } files)
        {
            return null;
        }

        var certificate = CertificateLoader.Load(files, DateTimeOffset.UtcNow);
        return new ServerTls(certificate, new CertificateReloader(files, certificate, log));
    }

    /// <summary>Loads the files again once they have been quiet for a moment (half a second), as SIGHUP asks.</summary>
    public void Reload() => _reloader.ReloadSoon();

    /// <summary>Stops watching the files.</summary>
    public void Dispose() => _reloader.Dispose();
}
