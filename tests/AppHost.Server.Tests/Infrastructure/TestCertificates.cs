using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// Certificates made at run time in a temporary folder, in every form the server accepts and
/// in the broken forms it must refuse. Nothing is installed in any certificate store.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public const string Password = "correct horse battery staple";

    private static readonly string[] Localhost = ["localhost", "127.0.0.1"];

    private readonly TempDirectory _directory = new();

    public TestCertificates()
    {
        var now = DateTimeOffset.UtcNow;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Certificate = SelfSigned.Create(key, Localhost, now.AddDays(-1), now.AddDays(30));

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

        using var expired = SelfSigned.Create(key, Localhost, now.AddDays(-30), now.AddDays(-1));
        ExpiredPfx = Write("expired.pfx", expired.Export(X509ContentType.Pkcs12));
        ExpiredNotAfter = expired.NotAfter.ToUniversalTime();
        using var future = SelfSigned.Create(key, Localhost, now.AddDays(10), now.AddDays(40));
        NotYetValidPfx = Write("future.pfx", future.Export(X509ContentType.Pkcs12));
        NotYetValidNotBefore = future.NotBefore.ToUniversalTime();

        NotACertificate = Write("notes.txt", "this is not a certificate\n");

        (ChainRoot, ChainIntermediate, ChainLeaf, string chainKeyPem) = CreateChain(now);
        ChainPem = Write("chain.pem", ChainLeaf.ExportCertificatePem() + "\n" + ChainIntermediate.ExportCertificatePem() + "\n" + ChainRoot.ExportCertificatePem());
        ChainKeyPem = Write("chain.key", chainKeyPem);
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

    /// <summary>A test certificate authority: clients that trust it alone can verify <see cref="ChainLeaf"/> only through <see cref="ChainIntermediate"/>.</summary>
    public X509Certificate2 ChainRoot { get; }
    public X509Certificate2 ChainIntermediate { get; }
    public X509Certificate2 ChainLeaf { get; }

    /// <summary>The leaf, its intermediate and the root, in that order, as a CA delivers a bundle.</summary>
    public string ChainPem { get; }
    public string ChainKeyPem { get; }

    /// <summary>A path in the certificates' folder where no file exists.</summary>
    public string Missing => Path.Combine(_directory.Path, "missing.pfx");

    public string Directory => _directory.Path;

    public void Dispose()
    {
        Certificate.Dispose();
        ChainRoot.Dispose();
        ChainIntermediate.Dispose();
        ChainLeaf.Dispose();
        _directory.Dispose();
    }

    /// <summary>A new self-signed certificate for localhost as PEM texts, and its SHA-1 thumbprint.</summary>
    public static (string CertificatePem, string KeyPem, string Thumbprint) NewPemPair(DateTimeOffset? notAfter = null)
    {
        var now = DateTimeOffset.UtcNow;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = SelfSigned.Create(key, Localhost, now.AddDays(-1), notAfter ?? now.AddDays(30));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem(), certificate.Thumbprint);
    }

    /// <summary>Replaces a file by writing a new one beside it and renaming it over, as certbot and cert-manager do: a reader never sees half.</summary>
    public static void ReplaceByRename(string path, string content)
    {
        string partial = path + ".new";
        File.WriteAllText(partial, content);
        File.Move(partial, path, overwrite: true);
    }

    private static (X509Certificate2 Root, X509Certificate2 Intermediate, X509Certificate2 Leaf, string LeafKeyPem) CreateChain(DateTimeOffset now)
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=AppHost Test Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, critical: false));
        var root = rootRequest.CreateSelfSigned(now.AddDays(-2), now.AddDays(60));

        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var intermediateRequest = new CertificateRequest("CN=AppHost Test Intermediate", intermediateKey, HashAlgorithmName.SHA256);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, 0, critical: true));
        intermediateRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        intermediateRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(intermediateRequest.PublicKey, critical: false));
        intermediateRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using var intermediateWithKey = intermediateRequest.Create(root, now.AddDays(-1), now.AddDays(50), RandomNumberGenerator.GetBytes(16)).CopyWithPrivateKey(intermediateKey);
        var intermediate = X509CertificateLoader.LoadCertificate(intermediateWithKey.RawData);

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leaf = SelfSigned.Create(leafKey, ["localhost"], now.AddDays(-1), now.AddDays(30), issuer: intermediateWithKey);
        return (root, intermediate, leaf, leafKey.ExportPkcs8PrivateKeyPem());
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
