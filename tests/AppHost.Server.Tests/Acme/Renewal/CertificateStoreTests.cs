using System.Security.Cryptography;
using AppHost.Acme.Challenges;
using AppHost.Acme.Renewal;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Acme.Renewal;

// File modes and flock(2) are what is tested: Unix only.
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CertificateStoreTests(CertificatesFixture certificates) : IClassFixture<CertificatesFixture>
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode FolderMode = FileMode | UnixFileMode.UserExecute;

    [Fact]
    public void SavedChainIsKeptByteForByteAndLoadsWithItsKeyAndIntermediates()
    {
        using var folder = new TempDirectory();
        var store = new CertificateStore(folder.Path);
        var files = certificates.Files;
        // What a CA sends: leaf then intermediate, with its own line breaks.
        string chainPem = files.ChainLeaf.ExportCertificatePem() + "\n" + files.ChainIntermediate.ExportCertificatePem() + "\n";

        store.Save(new IssuedCertificate("WWW.Example.com", chainPem, File.ReadAllText(files.ChainKeyPem), ChallengeChoice.Http01));
        var loaded = store.Load("www.example.com");

        Assert.Equal(chainPem, store.ReadChainPem("www.example.com"));
        Assert.NotNull(loaded);
        Assert.True(loaded.Leaf.HasPrivateKey);
        Assert.Equal(files.ChainLeaf.Thumbprint, loaded.Leaf.Thumbprint);
        Assert.Equal(files.ChainIntermediate.Thumbprint, Assert.Single(loaded.Chain).Thumbprint);
        string nameFolder = Path.Combine(folder.Path, "www.example.com");
        Assert.Equal(FolderMode, File.GetUnixFileMode(nameFolder));
        Assert.Equal(FileMode, File.GetUnixFileMode(Path.Combine(nameFolder, CertificateStore.ChainFile)));
        Assert.Equal(FileMode, File.GetUnixFileMode(Path.Combine(nameFolder, CertificateStore.KeyFile)));
    }

    [Fact]
    public void NothingStoredLoadsAsNull()
    {
        using var folder = new TempDirectory();

        Assert.Null(new CertificateStore(folder.Path).Load("none.example.com"));
    }

    [Fact]
    public void AccountKeyIsCreatedOnceAndFoundAgain()
    {
        using var folder = new TempDirectory();
        var store = new CertificateStore(folder.Path);

        using var created = store.LoadOrCreateAccountKey();
        using var found = new CertificateStore(folder.Path).LoadOrCreateAccountKey();

        Assert.Equal(created.ExportSubjectPublicKeyInfo(), found.ExportSubjectPublicKeyInfo());
        Assert.Equal(ECCurve.NamedCurves.nistP256.Oid.Value, found.ExportParameters(false).Curve.Oid.Value);
        Assert.Equal(FileMode, File.GetUnixFileMode(Path.Combine(folder.Path, CertificateStore.AccountKeyFile)));
    }
}
