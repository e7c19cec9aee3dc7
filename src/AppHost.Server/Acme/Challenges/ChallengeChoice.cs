using AppHost.Acme.Protocol;

namespace AppHost.Acme.Challenges;

/// <summary>
/// Which challenge an authorization is answered with. TLS-ALPN-01 first: it needs nothing but the
/// HTTPS port the server serves anyway and lives wholly in this package. HTTP-01 only with a plain
/// listener, and only when TLS-ALPN-01 is not offered or failed last time (port 443 blocked by a
/// load balancer that terminates TLS, say), and then at once rather than after a backoff
/// (the renewal's CertificateMaintainer); autocert orders them the same way.
/// </summary>
/// <param name="PlainHttpListener">True when a plain HTTP listener answers /.well-known/acme-challenge/ on port 80.</param>
/// <param name="PreferHttp01">True when TLS-ALPN-01 failed on the previous attempt for this name.</param>
internal sealed record ChallengeChoice(bool PlainHttpListener, bool PreferHttp01 = false)
{
    public const string TlsAlpn01 = "tls-alpn-01";
    public const string Http01 = "http-01";

    /// <summary>The challenge to answer, or null when none of the offered ones can be answered here.</summary>
    public AcmeChallenge? Pick(IReadOnlyList<AcmeChallenge> offered)
    {
        var tlsAlpn = offered.FirstOrDefault(c => c.Type == TlsAlpn01 && c.Token is not null);
        var http = PlainHttpListener ? offered.FirstOrDefault(c => c.Type == Http01 && c.Token is not null) : null;
        return PreferHttp01 ? http ?? tlsAlpn : tlsAlpn ?? http;
    }
}
