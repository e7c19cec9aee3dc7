using System.Collections.Concurrent;

namespace AppHost.Acme.Challenges;

/// <summary>
/// The challenges an order has put up for the CA to check, shared between the order (which adds and
/// removes them) and the two responders: the HTTP-01 middleware on the plain listener and the
/// TLS-ALPN-01 handshake on the HTTPS listener. Thread-safe; empty almost all the time.
/// </summary>
internal sealed class PendingChallenges
{
    // HTTP-01 (RFC 8555 §8.3): token -> key authorization, served at /.well-known/acme-challenge/{token}.
    private readonly ConcurrentDictionary<string, string> _http01 = new(StringComparer.Ordinal);

    // TLS-ALPN-01 (RFC 8737): DNS name -> key authorization, whose SHA-256 the challenge certificate
    // carries. Changed under a lock (an order adds one and removes it a few seconds later), and its
    // count kept apart, so every HTTPS handshake asks "any pending?" with one volatile read:
    // ConcurrentDictionary.IsEmpty takes all its locks when the dictionary is empty, about 155 ns.
    private readonly Dictionary<string, string> _tlsAlpn01 = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _tlsAlpn01Lock = new();
    private volatile int _tlsAlpn01Count;

    /// <summary>True while any TLS-ALPN-01 challenge is up, so the handshake path can skip all work otherwise.</summary>
    public bool AnyTlsAlpn01 => _tlsAlpn01Count > 0;

    public void AddHttp01(string token, string keyAuthorization) => _http01[token] = keyAuthorization;

    public void RemoveHttp01(string token) => _http01.TryRemove(token, out _);

    public string? Http01KeyAuthorization(string token) => _http01.TryGetValue(token, out string? value) ? value : null;

    public void AddTlsAlpn01(string domain, string keyAuthorization)
    {
        lock (_tlsAlpn01Lock)
        {
            _tlsAlpn01[domain] = keyAuthorization;
            _tlsAlpn01Count = _tlsAlpn01.Count;
        }
    }

    public void RemoveTlsAlpn01(string domain)
    {
        lock (_tlsAlpn01Lock)
        {
            _tlsAlpn01.Remove(domain);
            _tlsAlpn01Count = _tlsAlpn01.Count;
        }
    }

    public string? TlsAlpn01KeyAuthorization(string domain)
    {
        lock (_tlsAlpn01Lock)
        {
            return _tlsAlpn01.TryGetValue(domain, out string? value) ? value : null;
        }
    }
}
