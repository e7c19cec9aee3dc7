using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AppHost.Testing;

/// <summary>
/// The one maker of throwaway server certificates: <see cref="TestCertificate"/>'s, and those of this
/// repository's tests. Self-signed unless an issuer is given.
/// </summary>
internal static class SelfSigned
{
    /// <param name="key">The certificate's key; a caller that writes the key too keeps it.</param>
    /// <param name="names">DNS names or IP addresses; the first is also the subject's common name.</param>
    /// <param name="notBefore">The start of its validity.</param>
    /// <param name="notAfter">The end of its validity.</param>
    /// <param name="issuer">A CA certificate with its key that signs it; the certificate returned then has no key.</param>
    public static X509Certificate2 Create(ECDsa key, IReadOnlyList<string> names, DateTimeOffset notBefore, DateTimeOffset notAfter,
        X509Certificate2? issuer = null)
    {
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256);
        var alternativeNames = new SubjectAlternativeNameBuilder();
        foreach (string name in names)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                alternativeNames.AddIpAddress(address);
            }
            else
            {
                alternativeNames.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(alternativeNames.Build());
        // Server authentication (id-kp-serverAuth), as clients expect of a server's certificate.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        if (issuer is null)
        {
            return request.CreateSelfSigned(notBefore, notAfter);
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        // 128 random bits, as CAs make serial numbers unguessable.
        return request.Create(issuer, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
    }
}
