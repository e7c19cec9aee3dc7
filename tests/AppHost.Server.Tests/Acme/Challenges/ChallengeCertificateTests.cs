using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AppHost.Acme.Challenges;

namespace AppHost.Server.Tests.Acme.Challenges;

/// <summary>The TLS-ALPN-01 certificate is exactly what RFC 8737 §3 (and Pebble's and Boulder's checks) ask for.</summary>
public sealed class ChallengeCertificateTests
{
    private const string KeyAuthorization = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";

    [Fact]
    public void AcmeIdentifierIsCriticalAndHoldsTheKeyAuthorizationsDigest()
    {
        var challenge = ChallengeCertificate.Create("acme.test", KeyAuthorization);

        var extension = challenge.Certificate.Extensions[ChallengeCertificate.AcmeIdentifierOid];

        Assert.NotNull(extension);
        Assert.True(extension.Critical);
        byte[] digest = SHA256.HashData(Encoding.ASCII.GetBytes(KeyAuthorization));
        Assert.Equal([0x04, 0x20, .. digest], extension.RawData);
    }

    [Fact]
    public void OnlyIdentifierIsTheValidatedName()
    {
        var challenge = ChallengeCertificate.Create("acme.test", KeyAuthorization);

        var names = Assert.IsType<X509SubjectAlternativeNameExtension>(challenge.Certificate.Extensions["2.5.29.17"]);

        Assert.Equal(["acme.test"], names.EnumerateDnsNames());
        Assert.Empty(names.EnumerateIPAddresses());
    }

    [Fact]
    public void CertificateIsSelfSignedWithAFreshP256Key()
    {
        var first = ChallengeCertificate.Create("acme.test", KeyAuthorization);
        var second = ChallengeCertificate.Create("acme.test", KeyAuthorization);

        using var key = first.Certificate.GetECDsaPrivateKey();
        Assert.NotNull(key);
        Assert.Equal(256, key.KeySize);
        Assert.Equal(first.Certificate.SubjectName.RawData, first.Certificate.IssuerName.RawData);
        Assert.NotEqual(first.Certificate.GetPublicKey(), second.Certificate.GetPublicKey());
        Assert.InRange(DateTime.Now, first.Certificate.NotBefore, first.Certificate.NotAfter);
    }

    [Fact]
    public void HandshakeOptionsOfferOnlyAcmeTls()
    {
        var challenge = ChallengeCertificate.Create("acme.test", KeyAuthorization);

        Assert.Equal([ChallengeCertificate.AcmeTls1], challenge.Options.ApplicationProtocols);
        Assert.Same(challenge.Certificate, challenge.Options.ServerCertificateContext?.TargetCertificate);
    }

    [Fact]
    public void ValidatorsConnectionsShareOneCertificateUntilTheKeyAuthorizationChanges()
    {
        var responder = new TlsAlpn01Responder(new PendingChallenges());

        var first = responder.CertificateFor("acme.test", KeyAuthorization);
        var again = responder.CertificateFor("ACME.test", KeyAuthorization);
        var renewed = responder.CertificateFor("acme.test", "other-token." + KeyAuthorization.Split('.')[1]);
        var otherName = responder.CertificateFor("other.test", KeyAuthorization);

        Assert.Same(first, again);
        Assert.NotSame(first, renewed);
        Assert.Equal("other-token." + KeyAuthorization.Split('.')[1], renewed.KeyAuthorization);
        Assert.NotSame(renewed, otherName);
        Assert.Same(renewed, responder.CertificateFor("acme.test", renewed.KeyAuthorization));
    }
}
