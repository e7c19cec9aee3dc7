using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AppHost.Certificates;
using AppHost.Listening;

namespace AppHost.Acme.Challenges;

/// <summary>
/// The certificate a TLS-ALPN-01 validator must be shown (RFC 8737 §3): self-signed, for exactly
/// one DNS name, carrying SHA-256 of the key authorization in a critical acmeIdentifier extension.
/// Each is made with a fresh key and served only on a handshake that negotiates <c>acme-tls/1</c>.
/// </summary>
internal sealed class ChallengeCertificate
{
    /// <summary>The ALPN name of the validation handshake (RFC 8737 §6.2).</summary>
    public static readonly SslApplicationProtocol AcmeTls1 = new("acme-tls/1");

    /// <summary>id-pe-acmeIdentifier (RFC 8737 §6.1).</summary>
    public const string AcmeIdentifierOid = "1.3.6.1.5.5.7.1.31";

    // DER of the extension value, an OCTET STRING of the 32-byte digest: tag 0x04, length 0x20.
    private const byte DerOctetString = 0x04;
    private const byte Sha256Length = 32;

    // The certificate lives only as long as its challenge (minutes), and validators do not check
    // its dates; a day either side keeps a validator with a skewed clock from ever seeing it as
    // not yet valid or expired.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromDays(1);

    private ChallengeCertificate(string domain, string keyAuthorization, X509Certificate2 certificate)
    {
        Domain = domain;
        KeyAuthorization = keyAuthorization;
        Certificate = certificate;
        var options = TlsSettings.CreateOptions(new ServerCertificate(certificate, []));
        // Only acme-tls/1: a client that offered anything else must not get this certificate (RFC 8737 §4).
        options.ApplicationProtocols = [AcmeTls1];
        Options = options;
    }

    public string Domain { get; }

    public string KeyAuthorization { get; }

    /// <summary>The certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>What the validation handshake is served with: this certificate, TLS 1.2 or 1.3 (RFC 8737 §4), ALPN acme-tls/1 only.</summary>
    public SslServerAuthenticationOptions Options { get; }

    /// <summary>Makes the certificate for one challenge.</summary>
    /// <param name="domain">The DNS name being validated, as the validator sent it by SNI.</param>
    /// <param name="keyAuthorization">token "." base64url(account key thumbprint), RFC 8555 §8.1.</param>
    public static ChallengeCertificate Create(string domain, string keyAuthorization)
    {
        // ECDSA P-256: the cheapest key to make that every validator accepts (a few ms).
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(domain);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);

        // RFC 8737 §3: the subjectAltName holds the name being validated "and no other identifiers".
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(domain);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509Extension(AcmeIdentifierOid, ExtensionValue(keyAuthorization), critical: true));

        var now = DateTimeOffset.UtcNow;
        return new ChallengeCertificate(domain, keyAuthorization, request.CreateSelfSigned(now - ClockSkew, now + ClockSkew));
    }

    /// <summary>The extension's DER value: OCTET STRING (SHA-256 of the key authorization's ASCII bytes).</summary>
    internal static byte[] ExtensionValue(string keyAuthorization)
    {
        var value = new byte[2 + Sha256Length];
        value[0] = DerOctetString;
        value[1] = Sha256Length;
        SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(keyAuthorization), value.AsSpan(2));
        return value;
    }
}
