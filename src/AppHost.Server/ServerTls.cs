using System.Net.Security;
using System.Security.Authentication;
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
    // --cert: one certificate for every name, kept current by the reloader.
    private readonly CertificateReloader? _reloader;

    // ACME: a certificate per SNI name (null = none yet), the TLS-ALPN-01 answers, and the renewals.
    private readonly Func<string?, SslServerAuthenticationOptions?>? _select;
    private readonly TlsAlpn01Responder? _tlsAlpn01;
    private readonly AutomaticCertificates? _automatic;

    private ServerTls(ServerCertificate initial, CertificateReloader reloader)
    {
        Initial = initial;
        _reloader = reloader;
    }

    private ServerTls(Func<string?, SslServerAuthenticationOptions?> select, PendingChallenges challenges, AutomaticCertificates? automatic)
    {
        _select = select;
        _tlsAlpn01 = new TlsAlpn01Responder(challenges);
        _automatic = automatic;
    }

    /// <summary>The certificate the server started with, for the start-up report; null with ACME.</summary>
    internal ServerCertificate? Initial { get; }

    /// <summary>The challenges the ACME order puts up; null for <c>--cert</c>, which has none.</summary>
    internal PendingChallenges? Challenges => _tlsAlpn01?.Challenges;

    /// <summary>ACME's certificates, for the start-up report; null for <c>--cert</c>.</summary>
    internal AutomaticCertificates? AutomaticCertificates => _automatic;

    /// <summary>Serves the certificates ACME obtains, answers its TLS-ALPN-01 challenges, and stops its renewals when disposed.</summary>
    internal static ServerTls Automatic(AutomaticCertificates certificates) => new(certificates.Select, certificates.Challenges, certificates);

    /// <summary>Serves what <paramref name="select"/> picks per SNI name (null: none yet, the handshake is refused) and answers TLS-ALPN-01; for tests of the handshake path.</summary>
    internal static ServerTls Automatic(Func<string?, SslServerAuthenticationOptions?> select, PendingChallenges challenges) => new(select, challenges, null);

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

    /// <summary>What a new TLS handshake is served with.</summary>
    /// <exception cref="AuthenticationException">No certificate for the name yet (ACME before its first order completes).</exception>
    internal SslServerAuthenticationOptions Select(TlsHandshakeCallbackContext context)
    {
        if (_reloader is not null)
        {
            return _reloader.Current;
        }

        if (_tlsAlpn01!.Answer(context) is { } challenge)
        {
            return challenge.Options;
        }

        string? name = context.ClientHelloInfo.ServerName is { Length: > 0 } sni ? sni : null;
        return _select!(name)
            ?? throw new AuthenticationException($"no certificate for '{name}': not one of the --acme-domain names, or not issued yet; the TLS handshake is refused");
    }

    /// <summary>Loads the files again once they have been quiet for a moment (half a second), as SIGHUP asks; with ACME, nothing to load.</summary>
    public void Reload() => _reloader?.ReloadSoon();

    /// <summary>Stops watching the files, or the ACME renewals.</summary>
    public void Dispose()
    {
        _reloader?.Dispose();
        _automatic?.Dispose();
    }
}
