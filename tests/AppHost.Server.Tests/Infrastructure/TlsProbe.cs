using System.Security.Cryptography.X509Certificates;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>A fresh TLS handshake, to see which certificate the server gives a new client now.</summary>
public static class TlsProbe
{
    /// <returns>The SHA-1 thumbprint of the certificate served, as <see cref="X509Certificate.GetCertHashString()"/>.</returns>
    public static async Task<string> CertificateThumbprintAsync(int port)
    {
        await using var connection = await TlsConnection.ConnectAsync(port);
        return connection.Certificate.GetCertHashString();
    }
}
