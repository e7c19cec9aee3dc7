namespace AppHost.Server.Tests.Infrastructure;

/// <summary>One set of test certificates shared by the tests of a class (making keys takes time).</summary>
public sealed class CertificatesFixture : IDisposable
{
    public TestCertificates Files { get; } = new();

    public void Dispose() => Files.Dispose();
}
