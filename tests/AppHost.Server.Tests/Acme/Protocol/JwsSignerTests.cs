using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AppHost.Acme.Protocol;

namespace AppHost.Server.Tests.Acme.Protocol;

public sealed class JwsSignerTests
{
    // A P-256 key made with `openssl ecparam -genkey`; its coordinates were read from `openssl ec -text`
    // and its thumbprint computed outside .NET (Python's hashlib over the RFC 7638 canonical form
    // {"crv","kty","x","y"}), so a wrong member order, padding or coordinate would show.
    private const string X = "OmjGB5LQ9G5Sd89Jk65Kb_Fgui5ICryh9lyoJAHWEok";
    private const string Y = "70YGE61vf9Tgb6h9J-_RQcBaDujEJTj_7kFKcBT67yY";
    private const string D = "BLe9vX3QiiGjTKdNHfqWWHc3nhYjrqsNvEDWq8Af2nw";
    private const string ExpectedThumbprint = "EkrCpvi-tK_COcLvRcPjZZz_Qm4S_tvuPXRbdCLMr38";

    [Fact]
    public void ThumbprintOfAKnownKeyMatchesRfc7638()
    {
        using var key = KnownKey();
        var signer = new JwsSigner(key);

        Assert.Equal(new EcJwk("P-256", "EC", X, Y), signer.Jwk);
        Assert.Equal(ExpectedThumbprint, signer.Thumbprint);
        Assert.Equal("tok-en." + ExpectedThumbprint, signer.KeyAuthorization("tok-en"));
    }

    [Fact]
    public void SignatureVerifiesWithThePublicKeyAndHeaderCarriesTheJwk()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signer = new JwsSigner(key);
        var url = new Uri("https://ca.test/acme/new-acct");

        var jws = Parse(signer.Sign(url, "nonce-1", accountUrl: null, "{\"a\":1}"u8));

        Assert.True(Verify(key, jws));
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(jws.Protected));
        Assert.Equal("ES256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("nonce-1", header.RootElement.GetProperty("nonce").GetString());
        Assert.Equal(url.AbsoluteUri, header.RootElement.GetProperty("url").GetString());
        Assert.Equal(signer.Jwk.X, header.RootElement.GetProperty("jwk").GetProperty("x").GetString());
        Assert.False(header.RootElement.TryGetProperty("kid", out _));
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(jws.Payload)));
    }

    [Fact]
    public void SignedWithAccountUrlNamesTheKidAndPostAsGetHasAnEmptyPayload()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signer = new JwsSigner(key);

        var jws = Parse(signer.Sign(new Uri("https://ca.test/order/1"), "n", new Uri("https://ca.test/acct/7"), []));

        Assert.True(Verify(key, jws));
        Assert.Equal("", jws.Payload);
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(jws.Protected));
        Assert.Equal("https://ca.test/acct/7", header.RootElement.GetProperty("kid").GetString());
        Assert.False(header.RootElement.TryGetProperty("jwk", out _));
    }

    [Fact]
    public void ATamperedPayloadDoesNotVerify()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jws = Parse(new JwsSigner(key).Sign(new Uri("https://ca.test/x"), "n", null, "{}"u8));

        Assert.False(Verify(key, jws with { Payload = Base64Url.EncodeToString("{ }"u8) }));
    }

    [Fact]
    public void KeysOtherThanP256AreRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Throws<ArgumentException>(() => new JwsSigner(key));
    }

    private static ECDsa KnownKey() => ECDsa.Create(new ECParameters
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = Base64Url.DecodeFromChars(X), Y = Base64Url.DecodeFromChars(Y) },
        D = Base64Url.DecodeFromChars(D),
    });

    private static JwsMessage Parse(byte[] body) =>
        JsonSerializer.Deserialize(body, ReferenceJsonContext.Default.JwsMessage)!;

    private static bool Verify(ECDsa key, JwsMessage jws) =>
        key.VerifyData(Encoding.ASCII.GetBytes(jws.Protected + "." + jws.Payload), Base64Url.DecodeFromChars(jws.Signature),
            HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
}
