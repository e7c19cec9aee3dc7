using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AppHost.Cli.Commands.Cert;

/// <summary>Makes a self-signed server certificate for trying HTTPS locally. Touches no certificate store.</summary>
internal static class SelfSignedCertificate
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    /// <param name="dnsNames">Host names the certificate is valid for.</param>
    /// <param name="addresses">IP addresses the certificate is valid for.</param>
    /// <param name="days">Days of validity from now.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The certificate with its private key (ECDSA P-256: small, fast, accepted everywhere).</returns>
    public static X509Certificate2 Create(IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> addresses, int days, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string commonName = dnsNames.Count > 0 ? dnsNames[0] : addresses[0].ToString();
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}"), key, HashAlgorithmName.SHA256);

        var names = new SubjectAlternativeNameBuilder();
        foreach (string dns in dnsNames)
        {
            names.AddDnsName(dns);
        }

        foreach (var address in addresses)
        {
            names.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(names.Build(critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        // Browsers and curl refuse a server certificate that does not say it is for server authentication.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthentication)], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));

        // Valid from a few minutes ago, so a client whose clock is slightly behind accepts it at once.
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(days));
    }
}
