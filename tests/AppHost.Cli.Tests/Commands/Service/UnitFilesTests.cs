using System.Globalization;
using System.Text.RegularExpressions;
using AppHost.Cli.Commands.Service;

namespace AppHost.Cli.Tests.Commands.Service;

/// <summary>The unit files say what the app needs: its sockets by name, its certificate, and the reason for every line.</summary>
public sealed partial class UnitFilesTests
{
    private const string Binary = "/opt/shop/shop";
    private const string Certificate = "/etc/ssl/shop.pem";
    private const string Key = "/etc/ssl/shop.key";

    [Fact]
    public void CertificateReachesTheDynamicUserAsCredentials()
    {
        var service = Settings(Render(Certificate, Key)["shop.service"]);

        Assert.Contains("DynamicUser=yes", service);
        Assert.Contains("LoadCredential=cert:/etc/ssl/shop.pem", service);
        Assert.Contains("LoadCredential=key:/etc/ssl/shop.key", service);
        Assert.Contains("ExecStart=/opt/shop/shop --cert ${CREDENTIALS_DIRECTORY}/cert --key ${CREDENTIALS_DIRECTORY}/key --log-format json --shutdown-timeout 30", service);
        Assert.DoesNotContain(service, s => s.StartsWith("User=", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenUserReadsTheCertificateWhereItIs()
    {
        var service = Settings(Render(Certificate, Key, user: "shop")["shop.service"]);

        Assert.Contains("User=shop", service);
        Assert.Contains("ExecStart=/opt/shop/shop --cert /etc/ssl/shop.pem --key /etc/ssl/shop.key --log-format json --shutdown-timeout 30", service);
        Assert.DoesNotContain(service, s => s.StartsWith("LoadCredential=", StringComparison.Ordinal) || s.StartsWith("DynamicUser=", StringComparison.Ordinal));
    }

    [Fact]
    public void AcmeKeepsItsStateInAPrivateStateDirectoryAndListensOnBothPorts()
    {
        var units = Render(null, acme: AcmeSettings.Create(["shop.example.com", "WWW.shop.example.com"], "admin@example.com", null));
        var service = Settings(units["shop.service"]);

        Assert.Contains("ExecStart=/opt/shop/shop --acme-domain shop.example.com --acme-domain www.shop.example.com --acme-email admin@example.com --log-format json --shutdown-timeout 30", service);
        Assert.Contains("StateDirectory=shop", service);
        Assert.Contains("StateDirectoryMode=0700", service);
        Assert.Contains("DynamicUser=yes", service);
        Assert.Contains("Sockets=shop.socket shop-http.socket", service);
        // Nothing to reload: the server renews by itself.
        Assert.DoesNotContain(service, s => s.StartsWith("ExecReload=", StringComparison.Ordinal) || s.StartsWith("LoadCredential=", StringComparison.Ordinal));
        Assert.Contains("ListenStream=443", Settings(units["shop.socket"]));
        Assert.Contains("FileDescriptorName=https", Settings(units["shop.socket"]));
        Assert.Contains("ListenStream=80", Settings(units["shop-http.socket"]));
    }

    [Fact]
    public void PrivateCaRootsReachADynamicUserAsACredentialAndAGivenUserAsTheFile()
    {
        var acme = AcmeSettings.Create(["shop.example.com"], null, "https://ca.internal/acme/directory", "/etc/shop/ca.pem");

        var dynamicUser = Settings(Render(null, acme: acme)["shop.service"]);
        var givenUser = Settings(Render(null, user: "web", acme: acme)["shop.service"]);

        // systemd reads the file as root, so it may be root-only, as deploy leaves it.
        Assert.Contains(dynamicUser, s => s.StartsWith("ExecStart=", StringComparison.Ordinal) && s.Contains(" --acme-ca-file ${CREDENTIALS_DIRECTORY}/acme-ca ", StringComparison.Ordinal));
        Assert.Contains("LoadCredential=acme-ca:/etc/shop/ca.pem", dynamicUser);
        Assert.Contains(givenUser, s => s.StartsWith("ExecStart=", StringComparison.Ordinal) && s.Contains(" --acme-ca-file /etc/shop/ca.pem ", StringComparison.Ordinal));
        Assert.DoesNotContain(givenUser, s => s.StartsWith("LoadCredential=", StringComparison.Ordinal));
    }

    [Fact]
    public void PfxNeedsNoKey()
    {
        var service = Settings(Render("/etc/ssl/shop.pfx")["shop.service"]);

        Assert.Contains("ExecStart=/opt/shop/shop --cert ${CREDENTIALS_DIRECTORY}/cert --log-format json --shutdown-timeout 30", service);
        Assert.Single(service, s => s.StartsWith("LoadCredential=", StringComparison.Ordinal));
    }

    [Fact]
    public void HttpsAndRedirectSocketsCarryTheNamesTheAppLooksFor()
    {
        var files = Render(Certificate, Key);

        Assert.Equal(["shop.service", "shop.socket", "shop-http.socket"], files.Keys);
        Assert.Equal(["Description=shop web server, HTTPS", "ListenStream=443", "FileDescriptorName=https", "BindIPv6Only=both", "Backlog=4096",
            "NoDelay=true", "Accept=no", "Service=shop.service", "WantedBy=sockets.target"], Settings(files["shop.socket"]));
        Assert.Contains("ListenStream=80", Settings(files["shop-http.socket"]));
        Assert.Contains("FileDescriptorName=http", Settings(files["shop-http.socket"]));
        Assert.Contains("Service=shop.service", Settings(files["shop-http.socket"]));
        var service = Settings(files["shop.service"]);
        Assert.Contains("Requires=shop.socket", service);
        Assert.Contains("Wants=shop-http.socket", service);
        Assert.Contains("After=shop.socket shop-http.socket", service);
    }

    [Fact]
    public void HttpPortZeroLeavesOutTheRedirect()
    {
        var files = Render(Certificate, Key, port: 8443, httpPort: 0);

        Assert.Equal(["shop.service", "shop.socket"], files.Keys);
        Assert.Contains("ListenStream=8443", Settings(files["shop.socket"]));
        Assert.DoesNotContain(Settings(files["shop.service"]), s => s.StartsWith("Wants=", StringComparison.Ordinal));
        Assert.Contains("After=shop.socket", Settings(files["shop.service"]));
    }

    [Fact]
    public void WithoutCertificateTheServerSpeaksPlainHttpOnPort80()
    {
        var files = Render(certificate: null);

        Assert.Equal(["shop.service", "shop.socket"], files.Keys);
        Assert.Contains("ListenStream=80", Settings(files["shop.socket"]));
        Assert.Contains("FileDescriptorName=http", Settings(files["shop.socket"]));
        Assert.Contains("ExecStart=/opt/shop/shop --log-format json --shutdown-timeout 30", Settings(files["shop.service"]));
        Assert.DoesNotContain(Settings(files["shop.service"]), s => s.StartsWith("LoadCredential=", StringComparison.Ordinal));
    }

    [Fact]
    public void SystemdWaitsLongerThanTheServerDrains()
    {
        var service = Settings(Render(Certificate, Key)["shop.service"]);

        int drain = int.Parse(ShutdownTimeout().Match(service.Single(s => s.StartsWith("ExecStart=", StringComparison.Ordinal))).Groups[1].Value, CultureInfo.InvariantCulture);
        int stop = int.Parse(service.Single(s => s.StartsWith("TimeoutStopSec=", StringComparison.Ordinal))["TimeoutStopSec=".Length..], CultureInfo.InvariantCulture);
        Assert.InRange(stop, drain + 1, drain + 10);
    }

    [Theory]
    [InlineData(Certificate, Key, null, 80)]
    [InlineData(Certificate, null, "shop", 0)]
    [InlineData(null, null, null, null)]
    public void EverySettingHasItsReasonOnTheLineAbove(string? certificate, string? key, string? user, int? httpPort)
    {
        foreach (var (name, content) in Render(certificate, key, user: user, httpPort: httpPort))
        {
            string[] lines = content.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                if (IsSetting(lines[i]))
                {
                    Assert.True(i > 0 && lines[i - 1].StartsWith("# ", StringComparison.Ordinal), $"{name}: '{lines[i]}' has no comment above it");
                }
            }
        }
    }

    // Ordered, so the tests see the files in the order they are written and printed.
    private static OrderedDictionary<string, string> Render(string? certificate, string? key = null, string? user = null, int? port = null, int? httpPort = null,
        AcmeSettings? acme = null) =>
        new(UnitFiles.Render(ServiceDefinition.Create("shop", Binary, port, httpPort, certificate, key, user, acme)).Select(f => KeyValuePair.Create(f.FileName, f.Content)));

    private static List<string> Settings(string content) => [.. content.Split('\n').Where(IsSetting)];

    private static bool IsSetting(string line) => line.Length > 0 && line[0] is not '#' and not '[';

    [GeneratedRegex(@"--shutdown-timeout (\d+)")]
    private static partial Regex ShutdownTimeout();
}
