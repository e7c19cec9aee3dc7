using System.Net.Security;
using AppHost.Acme;
using AppHost.Acme.Challenges;
using AppHost.Certificates;
using TlsHandshakeCallbackContext = Microsoft.AspNetCore.Server.Kestrel.Https.TlsHandshakeCallbackContext;

namespace AppHost;

/// <summary>
/// The HTTPS certificate in service: loaded and checked before anything listens, then loaded again
/// whenever its files change (certbot and cert-manager replace them by atomic rename or symlink
/// swap) or <see cref="Reload"/> is called. New handshakes get the new certificate; open connections
/// keep theirs; a new file that does not load is logged as an error and the one in service stays.
/// </summary>
public sealed class ServerTls : IDisposable
{
    private readonly ICertificateSource _source;

    /// <param name="source">Files (<see cref="Load"/>) or an ACME CA (<see cref="AutomaticHttps.Start"/>); disposed with this.</param>
    internal ServerTls(ICertificateSource source) => _source = source;

    /// <summary>The certificate the server started with, for the start-up report; null with ACME.</summary>
    internal ServerCertificate? Initial => (_source as FileCertificateSource)?.Initial;

    /// <summary>The challenges the ACME order puts up; null for <c>--cert</c>, which has none.</summary>
    internal PendingChallenges? Challenges => (_source as AutomaticCertificateSource)?.Challenges;

    /// <summary>ACME's certificates, for the start-up report; null for <c>--cert</c>.</summary>
    internal AutomaticCertificates? AutomaticCertificates => (_source as AutomaticCertificateSource)?.Certificates;

    /// <summary>How ACME's orders ended, for the metrics; null for <c>--cert</c>.</summary>
    internal Acme.Renewal.OrderTally? AcmeOrders => AutomaticCertificates?.Orders;

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
        return new ServerTls(new FileCertificateSource(certificate, new CertificateReloader(files, certificate, log)));
    }

    /// <summary>What new handshakes get for each name, for the certificates' expiry metric.</summary>
    internal IReadOnlyList<KeyValuePair<string, SslServerAuthenticationOptions>> Served => _source.Served;

    /// <summary>What a new TLS handshake is served with.</summary>
    /// <exception cref="System.Security.Authentication.AuthenticationException">No certificate for the name yet (ACME before its first order completes).</exception>
    internal SslServerAuthenticationOptions Select(TlsHandshakeCallbackContext context) => _source.Select(context);

    /// <summary>Loads the files again once they have been quiet for a moment (half a second), as SIGHUP asks; with ACME, nothing to load.</summary>
    public void Reload() => _source.Reload();

    /// <inheritdoc cref="ICertificateSource.OnListening"/>
    internal void OnListening(Microsoft.AspNetCore.Builder.WebApplication app, ServiceManager serviceManager, bool plainHttpListener, string listening) =>
        _source.OnListening(app, serviceManager, plainHttpListener, listening);

    /// <summary>Stops watching the files, or the ACME renewals.</summary>
    public void Dispose() => _source.Dispose();
}
