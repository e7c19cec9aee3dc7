using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace AppHost.Acme.Challenges;

/// <summary>
/// The TLS-ALPN-01 side of the handshake callback: a client that offered only <c>acme-tls/1</c>,
/// for a name with a pending challenge, is served that challenge's certificate. Every other
/// handshake gets null here and goes on to the site's certificate.
/// </summary>
internal sealed class TlsAlpn01Responder(PendingChallenges challenges)
{
    // The latest certificate per name: a validator connects several times (Let's Encrypt from
    // several vantage points at once), and each connection must not make a key of its own. A new
    // key authorization for the name replaces the entry, so this holds at most one per name ordered.
    private readonly Dictionary<string, ChallengeCertificate> _certificates = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    public PendingChallenges Challenges { get; } = challenges;

    /// <summary>The challenge certificate's options when this handshake is a validator's, else null.</summary>
    public ChallengeCertificate? Answer(TlsHandshakeCallbackContext context)
    {
        // Normal traffic stops at this first check: the feature exists only on connections that
        // arrived while a challenge was pending (AlpnSniffer).
        if (context.Connection.Features.Get<OfferedAlpn>() is not { OnlyAcmeTls: true }
            || context.ClientHelloInfo.ServerName is not { Length: > 0 } name
            || Challenges.TlsAlpn01KeyAuthorization(name) is not { } keyAuthorization)
        {
            return null;
        }

        return CertificateFor(name, keyAuthorization);
    }

    /// <summary>The certificate for one challenge, made on first use and reused by the validator's other connections.</summary>
    public ChallengeCertificate CertificateFor(string domain, string keyAuthorization)
    {
        lock (_lock)
        {
            if (!_certificates.TryGetValue(domain, out var certificate) || certificate.KeyAuthorization != keyAuthorization)
            {
                certificate = ChallengeCertificate.Create(domain, keyAuthorization);
                _certificates[domain] = certificate;
            }

            return certificate;
        }
    }
}
