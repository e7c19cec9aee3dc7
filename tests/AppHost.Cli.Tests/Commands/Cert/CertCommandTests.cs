using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AppHost.Cli.Tests.Commands.Cert;

/// <summary><c>apphost cert</c> writes a certificate that loads with the names asked for, and prints its fingerprint.</summary>
public sealed class CertCommandTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task DefaultPfxIsForLocalhostAndItsFingerprintIsPrinted()
    {
        var run = (await AppHostTool.RunAsync(_directory.Path, "cert")).AssertSucceeded();

        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(_directory.Path, "dev.pfx"), null);
        Assert.True(certificate.HasPrivateKey);
        Assert.Equal(certificate.GetCertHashString(HashAlgorithmName.SHA256), Assert.Single(run.StandardOutput));
        Assert.True(certificate.MatchesHostname("localhost"));
        Assert.Equal(["localhost", "127.0.0.1", "::1"], Names(certificate));
        Assert.InRange(certificate.NotAfter.ToUniversalTime(), DateTime.UtcNow.AddDays(29), DateTime.UtcNow.AddDays(31));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory.Path, "dev.pfx")));
        }
    }

    [Fact]
    public async Task PemPairLoadsWithTheRequestedNamesAndDays()
    {
        (await AppHostTool.RunAsync(_directory.Path, "cert", "--pem", "-o", "site.pem", "--dns", "shop.test", "--dns", "*.shop.test", "--ip", "10.1.2.3", "--days", "7"))
            .AssertSucceeded();

        using var certificate = X509Certificate2.CreateFromPemFile(Path.Combine(_directory.Path, "site.pem"), Path.Combine(_directory.Path, "site.key"));
        Assert.True(certificate.HasPrivateKey);
        Assert.Equal(["shop.test", "*.shop.test", "10.1.2.3"], Names(certificate));
        Assert.True(certificate.MatchesHostname("api.shop.test"));
        Assert.InRange(certificate.NotAfter.ToUniversalTime(), DateTime.UtcNow.AddDays(6), DateTime.UtcNow.AddDays(8));
    }

    [Fact]
    public async Task ExistingFileIsKeptUnlessForced()
    {
        string path = Path.Combine(_directory.Path, "dev.pfx");
        File.WriteAllText(path, "precious");

        var refused = await AppHostTool.RunAsync(_directory.Path, "cert");
        refused.AssertOneLineError(2, "already exists", "--force");
        Assert.Equal("precious", File.ReadAllText(path));

        (await AppHostTool.RunAsync(_directory.Path, "cert", "--force")).AssertSucceeded();
        Assert.NotEqual("precious", File.ReadAllText(path));
    }

    [Theory]
    [InlineData("--ip", "localhost", "is not an IP address")]
    [InlineData("--dns", "bad name", "is not a host name")]
    [InlineData("--days", "0", "expected 1 to 825")]
    public async Task BadValueIsRefusedWithOneLine(string option, string value, string message)
    {
        var run = await AppHostTool.RunAsync(_directory.Path, "cert", option, value);

        run.AssertOneLineError(2, $"{option} '{value}'", message);
        Assert.Empty(Directory.GetFiles(_directory.Path));
    }

    public void Dispose() => _directory.Dispose();

    private static string[] Names(X509Certificate2 certificate)
    {
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        return [.. names.EnumerateDnsNames(), .. names.EnumerateIPAddresses().Select(a => a.ToString())];
    }
}
