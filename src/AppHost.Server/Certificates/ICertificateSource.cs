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

    /// <summary>Loads the certificate again, as SIGHUP asks; a source with nothing to load does nothing.</summary>
    void Reload();
}
