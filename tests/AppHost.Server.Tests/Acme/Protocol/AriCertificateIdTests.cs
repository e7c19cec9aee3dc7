using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AppHost.Acme.Protocol;

namespace AppHost.Server.Tests.Acme.Protocol;

public sealed class AriCertificateIdTests
{
    [Fact]
    public void IdOfTheRfc9773ExampleCertificate()
    {
        // RFC 9773 §4.1: keyIdentifier 69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:DE:01:C8:D4 and
        // serial 00:87:65:43:21 (the 00 keeps the high-bit serial positive) give this id.
        using var certificate = Create(Convert.FromHexString("69885B6B87464041E1B37B847BA0AE2CDE01C8D4"), [0x87, 0x65, 0x43, 0x21]);

        Assert.Equal("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE", AriCertificateId.Of(certificate));
    }

    [Fact]
    public void ACertificateWithoutAuthorityKeyIdentifierHasNoId()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var selfSigned = SelfSigned.Create(key, ["x"], DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));

        Assert.Null(AriCertificateId.Of(selfSigned));
    }

    private static X509Certificate2 Create(byte[] authorityKeyId, byte[] serial)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=leaf.example.com", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(authorityKeyId));
        var now = DateTimeOffset.UtcNow;
        return request.Create(new X500DistinguishedName("CN=Example CA"), X509SignatureGenerator.CreateForECDsa(key), now, now.AddDays(6), serial);
    }
}
