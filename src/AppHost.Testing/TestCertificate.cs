using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AppHost.Testing;

/// <summary>
/// A throwaway self-signed certificate for localhost and 127.0.0.1, valid for 30 days, written as a
/// .pfx to a temporary folder of its own. Nothing is installed in any certificate store; the folder
/// is deleted on dispose.
/// </summary>
public sealed class TestCertificate : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("apphost-test-certificate-").FullName;

    /// <summary>Makes the certificate (ECDSA P-256) and writes it.</summary>
    public TestCertificate()
    {
        var now = DateTimeOffset.UtcNow;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // Valid since yesterday, so a clock a little behind does not refuse it.
        Certificate = SelfSigned.Create(key, ["localhost", "127.0.0.1"], now.AddDays(-1), now.AddDays(30));
        Pfx = Path.Combine(_directory, "test.pfx");
        File.WriteAllBytes(Pfx, Certificate.Export(X509ContentType.Pkcs12));
    }

    /// <summary>The certificate with its key, for clients to trust (<see cref="TestClients"/>).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The .pfx file, without a password, for the app's <c>--cert</c>.</summary>
    public string Pfx { get; }

    /// <summary>Deletes the folder.</summary>
    public void Dispose()
    {
        Certificate.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A process the test started may still hold the file; the system cleans its temporary folder.
        }
    }
}
