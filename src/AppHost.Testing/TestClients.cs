using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace AppHost.Testing;

/// <summary>HTTP clients that trust exactly one test certificate and insist on one protocol version.</summary>
public static class TestClients
{
    /// <summary>A client for <paramref name="address"/> that speaks exactly <paramref name="version"/> and follows no redirect.</summary>
    /// <param name="address">The server's address; requests name paths relative to it.</param>
    /// <param name="version">The HTTP version every request must use.</param>
    /// <param name="trusted">The one certificate the server may present; null trusts none (plain HTTP only).</param>
    /// <returns>The client.</returns>
    public static HttpClient Create(Uri address, Version version, X509Certificate2? trusted = null) =>
        new(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    trusted is not null && certificate is not null && certificate.GetCertHashString() == trusted.GetCertHashString(),
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            },
            // A fresh connection per client, so each test sees its own handshake.
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            // Redirects are answers the tests look at, not steps to take.
            AllowAutoRedirect = false,
        })
        {
            BaseAddress = address,
            DefaultRequestVersion = version,
            // Exact: a server that fails to negotiate the version fails the test instead of falling back.
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>An HTTP/1.1 client.</summary>
    /// <param name="address">The server's address.</param>
    /// <param name="trusted">The one certificate the server may present; null for plain HTTP.</param>
    /// <returns>The client.</returns>
    public static HttpClient Http11(Uri address, X509Certificate2? trusted = null) => Create(address, HttpVersion.Version11, trusted);

    /// <summary>An HTTP/2 client, which needs TLS.</summary>
    /// <param name="address">The server's HTTPS address.</param>
    /// <param name="trusted">The one certificate the server may present.</param>
    /// <returns>The client.</returns>
    public static HttpClient Http2(Uri address, X509Certificate2 trusted) => Create(address, HttpVersion.Version20, trusted);
}
