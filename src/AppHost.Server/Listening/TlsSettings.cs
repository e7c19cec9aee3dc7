using System.Net.Security;
using System.Security.Authentication;
using AppHost.Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace AppHost.Listening;

/// <summary>HTTPS on a listener: TLS 1.2 and 1.3 only, forward-secret suites, HTTP/2 and HTTP/1.1 by ALPN.</summary>
internal static class TlsSettings
{
    /// <summary>TLS 1.2 and 1.3, for the server's listeners and its own connections out: 1.0 and 1.1 are broken and deprecated (RFC 8996).</summary>
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <param name="listen">The listener.</param>
    /// <param name="select">
    /// What each new handshake is served with, chosen from its ClientHello (SNI name) and connection
    /// features; throws <see cref="AuthenticationException"/> to refuse it, which Kestrel logs at
    /// Debug only (any other exception is logged at Error with a stack trace).
    /// </param>
    public static void UseHttps(ListenOptions listen, Func<TlsHandshakeCallbackContext, SslServerAuthenticationOptions> select)
    {
        listen.Protocols = HttpProtocols.Http1AndHttp2;
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = context => ValueTask.FromResult(select(context)),
            // A client has 10 s to finish the handshake, the same budget it has to send its headers.
            HandshakeTimeout = TimeSpan.FromSeconds(10),
        });
    }

    /// <summary>Built once per certificate and shared by every handshake: SslStream copies what it needs from it.</summary>
    public static SslServerAuthenticationOptions CreateOptions(ServerCertificate certificate) => new()
    {
        ServerCertificateContext = certificate.CreateContext(),
        EnabledSslProtocols = Protocols,
        // h2 first: clients that speak both get HTTP/2.
        ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
        // Client-initiated renegotiation is a denial-of-service lever and HTTP/2 forbids it.
        AllowRenegotiation = false,
        CipherSuitesPolicy = ForwardSecretCipherSuites(),
    };

    /// <summary>
    /// Only suites with forward secrecy and authenticated encryption (Mozilla's "intermediate"
    /// profile without DHE); OpenSSL's defaults still allow static-RSA key exchange.
    /// </summary>
    /// <returns>null on Windows, where the OS decides and this setting is not supported.</returns>
    private static CipherSuitesPolicy? ForwardSecretCipherSuites() => OperatingSystem.IsWindows() ? null : new(
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]);
}
