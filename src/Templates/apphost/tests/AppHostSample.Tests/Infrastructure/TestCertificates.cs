using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AppHostSample.Tests.Infrastructure;

/// <summary>
/// Certificates made at run time in a temporary folder, in every form the server accepts and
/// in the broken forms it must refuse. Nothing is installed in any certificate store.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public const string Password = "correct horse battery staple";

    private readonly TempDirectory _directory = new();

    public TestCertificates()
    {
        var now = DateTimeOffset.UtcNow;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Certificate = CreateSelfSigned(key, now.AddDays(-1), now.AddDays(30));

        Pfx = Write("server.pfx", Certificate.Export(X509ContentType.Pkcs12));
        PfxWithPassword = Write("server-password.pfx", Certificate.Export(X509ContentType.Pkcs12, Password));
        PasswordFile = Write("password.txt", Password + "\n");
        WrongPasswordFile = Write("wrong-password.txt", "not the password\n");
        CertificatePem = Write("server.crt", Certificate.ExportCertificatePem());
        KeyPem = Write("server.key", key.ExportPkcs8PrivateKeyPem());
        CombinedPem = Write("combined.pem", Certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem());
        EncryptedKeyPem = Write("encrypted.key", key.ExportEncryptedPkcs8PrivateKeyPem(Password,
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, iterationCount: 100_000)));

        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        OtherKeyPem = Write("other.key", otherKey.ExportPkcs8PrivateKeyPem());
        PfxWithoutKey = Write("no-key.pfx", X509CertificateLoader.LoadCertificate(Certificate.RawData).Export(X509ContentType.Pkcs12));

        using var expired = CreateSelfSigned(key, now.AddDays(-30), now.AddDays(-1));
        ExpiredPfx = Write("expired.pfx", expired.Export(X509ContentType.Pkcs12));
        ExpiredNotAfter = expired.NotAfter.ToUniversalTime();
        using var future = CreateSelfSigned(key, now.AddDays(10), now.AddDays(40));
        NotYetValidPfx = Write("future.pfx", future.Export(X509ContentType.Pkcs12));
        NotYetValidNotBefore = future.NotBefore.ToUniversalTime();

        NotACertificate = Write("notes.txt", "this is not a certificate\n");
    }

    /// <summary>The valid server certificate (with its key) that every good file holds.</summary>
    public X509Certificate2 Certificate { get; }

    public string Pfx { get; }
    public string PfxWithPassword { get; }
    public string PasswordFile { get; }
    public string WrongPasswordFile { get; }
    public string CertificatePem { get; }
    public string KeyPem { get; }
    public string CombinedPem { get; }
    public string EncryptedKeyPem { get; }
    public string OtherKeyPem { get; }
    public string PfxWithoutKey { get; }
    public string ExpiredPfx { get; }
    public DateTime ExpiredNotAfter { get; }
    public string NotYetValidPfx { get; }
    public DateTime NotYetValidNotBefore { get; }
    public string NotACertificate { get; }

    /// <summary>A path in the certificates' folder where no file exists.</summary>
    public string Missing => Path.Combine(_directory.Path, "missing.pfx");

    public string Directory => _directory.Path;

    public void Dispose()
    {
        Certificate.Dispose();
        _directory.Dispose();
    }

    private static X509Certificate2 CreateSelfSigned(ECDsa key, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    private string Write(string name, byte[] content)
    {
        string path = Path.Combine(_directory.Path, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private string Write(string name, string content)
    {
        string path = Path.Combine(_directory.Path, name);
        File.WriteAllText(path, content);
        return path;
    }
}
