using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// Clients that verify a server as a browser does, but against one test root (Pebble's): the chain
/// must lead from the served leaf, through the intermediates the server sends, to that root, and the
/// name must match. They connect to 127.0.0.1 whatever the name, which stands in for DNS.
/// </summary>
public static class VerifyingTls
{
    /// <summary>One new connection and handshake for <paramref name="name"/>; throws when the server's certificate does not verify.</summary>
    /// <returns>The leaf the server presented.</returns>
    public static async Task<X509Certificate2> HandshakeAsync(int port, string name, X509Certificate2 root)
    {
        await using var connection = await TlsConnection.ConnectAsync(port, name, [SslApplicationProtocol.Http2], root: root);
        return new X509Certificate2(connection.Certificate);
    }

    /// <summary>Waits until a handshake for <paramref name="name"/> verifies: its first certificate is issued and served whole.</summary>
    /// <returns>The leaf served.</returns>
    public static async Task<X509Certificate2> WaitForCertificateAsync(int port, string name, X509Certificate2 root, TimeSpan timeout)
    {
        X509Certificate2? leaf = null;
        await Poll.UntilAsync(async () =>
        {
            try
            {
                leaf = await HandshakeAsync(port, name, root);
                return true;
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                return false; // no certificate yet: the handshake is refused
            }
        }, timeout, $"a certificate for {name} that verifies against the test CA's root");
        return leaf!;
    }

    /// <summary>An HTTP/2-only client for https://NAME:PORT/ that verifies the server against <paramref name="root"/>.</summary>
    public static HttpClient Http2(int port, string name, X509Certificate2 root) =>
        new(new SocketsHttpHandler
        {
            SslOptions = TlsConnection.Options(name, [SslApplicationProtocol.Http2], SslProtocols.None, root),
            // No DNS for the test's names: every connection goes to the server on loopback.
            ConnectCallback = async (_, cancel) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, port, cancel);
                return new NetworkStream(socket, ownsSocket: true);
            },
        })
        {
            BaseAddress = new Uri($"https://{name}:{port}/"),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(10),
        };
}
