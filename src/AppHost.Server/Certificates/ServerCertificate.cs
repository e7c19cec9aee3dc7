using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AppHost.Certificates;

/// <summary>A loaded, checked HTTPS certificate: the leaf with its private key, and the chain sent with it.</summary>
internal sealed class ServerCertificate(X509Certificate2 leaf, X509Certificate2Collection chain)
{
    public X509Certificate2 Leaf { get; } = leaf;

    /// <summary>The intermediates sent to clients after the leaf.</summary>
    public X509Certificate2Collection Chain { get; } = chain;

    /// <summary>The SHA-256 fingerprint, as browsers and <c>openssl x509 -fingerprint -sha256</c> show it.</summary>
    public string Fingerprint => Leaf.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>Builds what TLS handshakes are served from: the leaf, its key and the intermediates to send.</summary>
    public SslStreamCertificateContext CreateContext() => CertificateContextFactory.Create(Leaf, Chain);
}
