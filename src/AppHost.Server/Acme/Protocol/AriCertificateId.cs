using System.Buffers.Text;
using System.Security.Cryptography.X509Certificates;

namespace AppHost.Acme.Protocol;

/// <summary>
/// The certificate identifier of ACME Renewal Information (RFC 9773 §4.1): base64url of the Authority
/// Key Identifier's keyIdentifier, a dot, base64url of the serial number's DER content octets (leading
/// zero kept). It names the certificate in renewalInfo requests and in newOrder's "replaces".
/// </summary>
internal static class AriCertificateId
{
    /// <summary>The id, or null when the certificate has no AKI keyIdentifier (then ARI cannot name it).</summary>
    public static string? Of(X509Certificate2 certificate)
    {
        var aki = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault();
        if (aki?.KeyIdentifier is not { } keyIdentifier)
        {
            return null;
        }

        // SerialNumberBytes is the INTEGER's content octets, big-endian, with the 0x00 that keeps a
        // high-bit serial positive: exactly what §4.1 asks for.
        return Base64Url.EncodeToString(keyIdentifier.Span) + "." + Base64Url.EncodeToString(certificate.SerialNumberBytes.Span);
    }
}
