using System.Net.Security;

namespace AppHost.Acme.Challenges;

/// <summary>
/// The connection feature <see cref="AlpnSniffer"/> leaves for the TLS handshake callback: the ALPN
/// names the client offered in its ClientHello, which .NET does not otherwise show a server.
/// Present only on connections that arrived while a TLS-ALPN-01 challenge was pending.
/// </summary>
internal sealed class OfferedAlpn(IReadOnlyList<SslApplicationProtocol> protocols)
{
    public IReadOnlyList<SslApplicationProtocol> Protocols { get; } = protocols;

    /// <summary>
    /// True for a TLS-ALPN-01 validator, which offers exactly <c>acme-tls/1</c> (RFC 8737 §3); a
    /// client offering it among others (h2, acme-tls/1) is an ordinary client and gets the site.
    /// </summary>
    public bool OnlyAcmeTls => Protocols is [var only] && only == ChallengeCertificate.AcmeTls1;
}
