using System.Security.Cryptography.X509Certificates;
using AppHost.Certificates;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Certificates;

/// <summary>
/// The TLS context is built without loading the system trust store. If a runtime upgrade removes
/// the constructor this relies on, the app still works (slower), and this test says so.
/// </summary>
public sealed class CertificateContextFactoryTests(CertificatesFixture certificates) : IClassFixture<CertificatesFixture>
{
    [Fact]
    public void ContextIsBuiltDirectlyWithTheIntermediatesAndWithoutTheRoot()
    {
        var files = certificates.Files;
        using var leaf = X509Certificate2.CreateFromPemFile(files.ChainPem, files.ChainKeyPem);
        var chain = new X509Certificate2Collection { files.ChainIntermediate, files.ChainRoot };

        var context = CertificateContextFactory.CreateDirect(leaf, chain);

        Assert.Same(leaf, context.TargetCertificate);
        Assert.Equal(files.ChainIntermediate.Thumbprint, Assert.Single(context.IntermediateCertificates).Thumbprint);
    }
}
