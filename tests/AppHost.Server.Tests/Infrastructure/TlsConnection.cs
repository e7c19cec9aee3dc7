using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// One TLS connection to a port on 127.0.0.1 (or an address of a test's link), whatever the server name: the one client the tests
/// make handshakes with, to look at what the server negotiates and serves, or to drive bytes by hand.
/// </summary>
public sealed class TlsConnection : IAsyncDisposable
{
    // A handshake on loopback takes milliseconds; the bound only turns a server that never answers
    // into a failed test instead of a hung run, with room for a loaded machine and byte-by-byte writers.
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);

    private readonly TcpClient _tcp;

    private TlsConnection(TcpClient tcp, SslStream tls)
    {
        _tcp = tcp;
        Tls = tls;
    }

    public SslStream Tls { get; }

    /// <summary>The certificate the server presented.</summary>
    public X509Certificate2 Certificate => (X509Certificate2)Tls.RemoteCertificate!;

    /// <summary>Connects and completes a handshake; throws as the handshake fails, the connection closed.</summary>
    /// <param name="port">The port on 127.0.0.1.</param>
    /// <param name="serverName">The SNI name, and the name a verified certificate must hold.</param>
    /// <param name="protocols">The ALPN list offered; none when null.</param>
    /// <param name="versions">The TLS versions offered; the system's choice unless said.</param>
    /// <param name="wrap">Wraps the socket's stream under TLS, to shape how the bytes travel.</param>
    /// <param name="root">
    /// When given, the server's certificate must verify against this root alone, through the intermediates
    /// the server sends, and hold the name; otherwise any certificate is accepted, so the test can inspect it.
    /// </param>
    /// <param name="address">Where to connect instead of 127.0.0.1: a container's end of a test's link.</param>
    public static async Task<TlsConnection> ConnectAsync(int port, string serverName = "localhost", List<SslApplicationProtocol>? protocols = null,
        SslProtocols versions = SslProtocols.None, Func<Stream, Stream>? wrap = null, X509Certificate2? root = null, IPAddress? address = null)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(address ?? IPAddress.Loopback, port);
            var tls = new SslStream(wrap is null ? tcp.GetStream() : wrap(tcp.GetStream()));
            try
            {
                using var timeout = new CancellationTokenSource(HandshakeTimeout);
                await tls.AuthenticateAsClientAsync(Options(serverName, protocols, versions, root), timeout.Token);
                return new TlsConnection(tcp, tls);
            }
            catch
            {
                await tls.DisposeAsync();
                throw;
            }
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>The client options of <see cref="ConnectAsync"/>, for an HTTP client that must check the server the same way.</summary>
    public static SslClientAuthenticationOptions Options(string serverName, List<SslApplicationProtocol>? protocols,
        SslProtocols versions, X509Certificate2? root) => new()
        {
            TargetHost = serverName,
            ApplicationProtocols = protocols,
            EnabledSslProtocols = versions,
            CertificateChainPolicy = root is null ? null : new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                CustomTrustStore = { root },
                // Test roots have no OCSP responder or CRL to ask.
                RevocationMode = X509RevocationMode.NoCheck,
                // Nothing fetched: a server must send its intermediates, as browsers may not fetch them either.
                DisableCertificateDownloads = true,
            },
            RemoteCertificateValidationCallback = root is null ? (_, _, _, _) => true : null,
        };

    public async ValueTask DisposeAsync()
    {
        await Tls.DisposeAsync();
        _tcp.Dispose();
    }
}
