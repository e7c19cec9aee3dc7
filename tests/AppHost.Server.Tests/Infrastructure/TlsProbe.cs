using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>A fresh TLS handshake, to see which certificate the server gives a new client now.</summary>
public static class TlsProbe
{
    /// <returns>The SHA-1 thumbprint of the certificate served, as <see cref="X509Certificate.GetCertHashString()"/>.</returns>
    public static async Task<string> CertificateThumbprintAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        return tls.RemoteCertificate!.GetCertHashString();
    }
}
