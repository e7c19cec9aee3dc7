using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

/// <summary>A throwaway certificate for localhost, as a .pfx and as PEM certificate and key files.</summary>
internal sealed record TestCertificate(string Pfx, string CertificatePem, string KeyPem)
{
    public static TestCertificate Write(string folder)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        var files = new TestCertificate(Path.Combine(folder, "test.pfx"), Path.Combine(folder, "test.pem"), Path.Combine(folder, "test.key"));
        File.WriteAllBytes(files.Pfx, certificate.Export(X509ContentType.Pkcs12));
        File.WriteAllText(files.CertificatePem, certificate.ExportCertificatePem());
        File.WriteAllText(files.KeyPem, key.ExportPkcs8PrivateKeyPem());
        return files;
    }
}
