using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace AppHostSample.Tests.Infrastructure;

/// <summary>HTTP clients that trust exactly one test certificate and insist on one protocol version.</summary>
public static class TestClients
{
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

    public static HttpClient Http11(Uri address, X509Certificate2? trusted = null) => Create(address, HttpVersion.Version11, trusted);

    public static HttpClient Http2(Uri address, X509Certificate2 trusted) => Create(address, HttpVersion.Version20, trusted);
}
