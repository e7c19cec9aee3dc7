using System.Globalization;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Certificates;

/// <summary>
/// Every form of certificate the server accepts starts it on HTTPS; every broken one stops it
/// with exit code 1 and one line naming the file and the fix.
/// </summary>
public sealed class CertificateTests(CertificatesFixture certificates) : IClassFixture<CertificatesFixture>
{
    private const int Failure = 1;
    private readonly TestCertificates _files = certificates.Files;

    public static TheoryData<string> AcceptedForms => ["pfx", "pfx with password file", "pfx with password variable", "pem and key", "pem with key inside", "pem and encrypted key"];

    [Theory]
    [MemberData(nameof(AcceptedForms))]
    public async Task AcceptedFormServesItsCertificateOverHttp2(string form)
    {
        Dictionary<string, string>? environment = null;
        string[] args = form switch
        {
            "pfx" => ["--cert", _files.Pfx],
            "pfx with password file" => ["--cert", _files.PfxWithPassword, "--cert-password-file", _files.PasswordFile],
            "pfx with password variable" => ["--cert", _files.PfxWithPassword],
            "pem and key" => ["--cert", _files.CertificatePem, "--key", _files.KeyPem],
            "pem with key inside" => ["--cert", _files.CombinedPem],
            "pem and encrypted key" => ["--cert", _files.CertificatePem, "--key", _files.EncryptedKeyPem, "--cert-password-file", _files.PasswordFile],
            _ => throw new ArgumentOutOfRangeException(nameof(form)),
        };
        if (form == "pfx with password variable")
        {
            environment = new() { ["APPHOSTSAMPLE_CERT_PASSWORD"] = TestCertificates.Password };
        }

        await using var app = await SampleApp.StartAsync(args, environment);
        using var client = TestClients.Http2(app.Address, _files.Certificate);

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(2, response.Version.Major);
    }

    [Fact]
    public async Task PemBundleSendsItsIntermediateToClients()
    {
        await using var app = await SampleApp.StartAsync("--cert", _files.ChainPem, "--key", _files.ChainKeyPem);

        // The client trusts the root alone and may fetch nothing: it can only verify the leaf
        // through the intermediate the server sends (the handshake throws otherwise).
        await using var connection = await TlsConnection.ConnectAsync(app.Address.Port, root: _files.ChainRoot);

        Assert.Equal(_files.ChainLeaf.Thumbprint, connection.Certificate.GetCertHashString());
    }

    [Fact]
    public async Task MissingFileIsNamed()
    {
        var run = await AppExit.RunAsync("--cert", _files.Missing);
        run.AssertOneLineError(Failure, $"certificate '{_files.Missing}' does not exist", "--cert");
    }

    [Fact]
    public async Task DirectoryInsteadOfFileIsNamed()
    {
        var run = await AppExit.RunAsync("--cert", _files.Directory);
        run.AssertOneLineError(Failure, "is a directory");
    }

    [Fact]
    public async Task FileThatIsNoCertificateIsRefused()
    {
        var run = await AppExit.RunAsync("--cert", _files.NotACertificate);
        run.AssertOneLineError(Failure, "neither a PKCS#12", "nor a PEM");
    }

    [Fact]
    public async Task PasswordProtectedPfxWithoutPasswordAsksForIt()
    {
        var run = await AppExit.RunAsync("--cert", _files.PfxWithPassword);
        run.AssertOneLineError(Failure, "protected by a password", "--cert-password-file", "APPHOSTSAMPLE_CERT_PASSWORD");
    }

    [Fact]
    public async Task WrongPasswordIsRefused()
    {
        var run = await AppExit.RunAsync("--cert", _files.PfxWithPassword, "--cert-password-file", _files.WrongPasswordFile);
        run.AssertOneLineError(Failure, "the password is wrong");
        Assert.DoesNotContain(run.StandardError.Concat(run.StandardOutput), l => l.Contains("not the password", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MissingPasswordFileIsNamed()
    {
        var run = await AppExit.RunAsync("--cert", _files.PfxWithPassword, "--cert-password-file", _files.Missing);
        run.AssertOneLineError(Failure, "password file", "does not exist");
    }

    [Fact]
    public async Task CertificateWithoutPrivateKeyIsRefused()
    {
        var run = await AppExit.RunAsync("--cert", _files.PfxWithoutKey);
        run.AssertOneLineError(Failure, "has no private key", "openssl pkcs12 -export");
    }

    [Fact]
    public async Task PemCertificateWithoutKeyAsksForKey()
    {
        var run = await AppExit.RunAsync("--cert", _files.CertificatePem);
        run.AssertOneLineError(Failure, "has no private key in it", "--key");
    }

    [Fact]
    public async Task KeyOfAnotherCertificateIsRefused()
    {
        var run = await AppExit.RunAsync("--cert", _files.CertificatePem, "--key", _files.OtherKeyPem);
        run.AssertOneLineError(Failure, "does not belong to the certificate");
    }

    [Fact]
    public async Task EncryptedKeyWithoutPasswordAsksForIt()
    {
        var run = await AppExit.RunAsync("--cert", _files.CertificatePem, "--key", _files.EncryptedKeyPem);
        run.AssertOneLineError(Failure, "is encrypted", "--cert-password-file");
    }

    [Fact]
    public async Task EncryptedKeyWithWrongPasswordIsRefused()
    {
        var run = await AppExit.RunAsync("--cert", _files.CertificatePem, "--key", _files.EncryptedKeyPem, "--cert-password-file", _files.WrongPasswordFile);
        run.AssertOneLineError(Failure, "could not be decrypted", "password is wrong");
    }

    [Fact]
    public async Task ExpiredCertificateIsRefusedWithItsDates()
    {
        var run = await AppExit.RunAsync("--cert", _files.ExpiredPfx);
        run.AssertOneLineError(Failure, "expired on " + Utc(_files.ExpiredNotAfter), "renew it");
    }

    [Fact]
    public async Task NotYetValidCertificateIsRefusedWithItsDates()
    {
        var run = await AppExit.RunAsync("--cert", _files.NotYetValidPfx);
        run.AssertOneLineError(Failure, "not valid yet", "valid from " + Utc(_files.NotYetValidNotBefore));
    }

    private static string Utc(DateTime time) => time.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
