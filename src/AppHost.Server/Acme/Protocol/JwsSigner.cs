using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace AppHost.Acme.Protocol;

/// <summary>
/// Signs ACME requests with the account key: ES256 (ECDSA P-256 with SHA-256, RFC 7518 §3.4) in the
/// flattened JWS form of RFC 8555 §6.2, and derives the account's JWK thumbprint (RFC 7638) that
/// every key authorization carries.
/// </summary>
internal sealed class JwsSigner
{
    private readonly ECDsa _key;

    /// <param name="key">The account key, P-256; the signer does not own it.</param>
    public JwsSigner(ECDsa key)
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        if (parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            throw new ArgumentException("the ACME account key must be ECDSA P-256 (ES256)", nameof(key));
        }

        _key = key;
        Jwk = new EcJwk("P-256", "EC", Base64Url.EncodeToString(parameters.Q.X), Base64Url.EncodeToString(parameters.Q.Y));

        // RFC 7638 §3: the required members only, in lexicographic order, no whitespace. The values are
        // base64url, which never needs JSON escaping, so plain concatenation is the canonical form.
        string canonical = $$"""{"crv":"{{Jwk.Crv}}","kty":"{{Jwk.Kty}}","x":"{{Jwk.X}}","y":"{{Jwk.Y}}"}""";
        Thumbprint = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public EcJwk Jwk { get; }

    /// <summary>base64url(SHA-256(canonical JWK)), RFC 7638.</summary>
    public string Thumbprint { get; }

    /// <summary>What a challenge proves (RFC 8555 §8.1): the token, a dot, and the account key's thumbprint.</summary>
    public string KeyAuthorization(string token) => token + "." + Thumbprint;

    /// <summary>
    /// A signed request body. With <paramref name="accountUrl"/> the header names the account (kid);
    /// without it the header carries the JWK, as newAccount requires (RFC 8555 §6.2). The payload is
    /// empty for POST-as-GET (RFC 8555 §6.3).
    /// </summary>
    public byte[] Sign(Uri url, string nonce, Uri? accountUrl, ReadOnlySpan<byte> payload)
    {
        var header = accountUrl is null
            ? new JwsHeader("ES256", nonce, url.AbsoluteUri, Jwk: Jwk)
            : new JwsHeader("ES256", nonce, url.AbsoluteUri, Kid: accountUrl.AbsoluteUri);
        string protectedPart = Base64Url.EncodeToString(AcmeJsonWriter.Write(header));
        string payloadPart = Base64Url.EncodeToString(payload);

        // JWS signs "protected.payload" (RFC 7515 §5.1). ES256 wants r‖s, 32 bytes each (RFC 7518 §3.4),
        // which is IEEE P1363 form, not the DER that .NET produces by default.
        byte[] signature = _key.SignData(Encoding.ASCII.GetBytes(protectedPart + "." + payloadPart),
            HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var message = new JwsMessage(protectedPart, payloadPart, Base64Url.EncodeToString(signature));
        return AcmeJsonWriter.Write(message);
    }
}
