using System.Net.Security;
using TlsHandshakeCallbackContext = Microsoft.AspNetCore.Server.Kestrel.Https.TlsHandshakeCallbackContext;

namespace AppHost.Certificates;

/// <summary>
/// Where the certificate of each TLS handshake comes from: files (<c>--cert</c>, <see cref="FileCertificateSource"/>)
/// or an ACME CA (AutomaticCertificateSource in Acme/). ServerTls serves either.
/// </summary>
internal interface ICertificateSource : IDisposable
{
    /// <summary>What a new TLS handshake is served with.</summary>
    /// <exception cref="System.Security.Authentication.AuthenticationException">No certificate for the name yet.</exception>
    SslServerAuthenticationOptions Select(TlsHandshakeCallbackContext context);

    /// <summary>The certificates new handshakes get, each by its name: the --cert file as given, or the ACME domain.</summary>
    IReadOnlyList<KeyValuePair<string, SslServerAuthenticationOptions>> Served { get; }

    /// <summary>Loads the certificate again, as SIGHUP asks; a source with nothing to load does nothing.</summary>
    void Reload();

    /// <summary>Once every listener is open: tells systemd the server is ready, and starts what needs the listeners.</summary>
    /// <param name="app">The started app, whose stop ends what this starts.</param>
    /// <param name="serviceManager">systemd's notification socket, if any.</param>
    /// <param name="plainHttpListener">Whether a plain HTTP listener exists (--http-port, or systemd's socket named http).</param>
    /// <param name="listening">The status line: "Listening on ...".</param>
    void OnListening(Microsoft.AspNetCore.Builder.WebApplication app, ServiceManager serviceManager, bool plainHttpListener, string listening);
}
