namespace AppHost.Cli.Tests.Commands.Service;

/// <summary><c>apphost service</c> writes the unit files, prints their paths, says how to install them, and refuses bad input in one line.</summary>
public sealed class ServiceCommandTests : IDisposable
{
    private const string Binary = "/opt/shop/shop";
    private const string Certificate = "/etc/ssl/shop.pem";

    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task UnitFilesAreWrittenAndTheirPathsPrinted()
    {
        var run = (await AppHostTool.RunAsync(_directory.Path, "service", "shop", "--binary", Binary, "--cert", Certificate, "--key", "/etc/ssl/shop.key", "-o", "units"))
            .AssertSucceeded();

        string[] expected = [.. new[] { "shop.service", "shop.socket", "shop-http.socket" }.Select(f => Path.Combine(_directory.Path, "units", f))];
        Assert.Equal(expected, run.StandardOutput);
        Assert.All(expected, path => Assert.StartsWith("# ", File.ReadAllText(path)));
        Assert.Contains("ExecStart=/opt/shop/shop --cert ${CREDENTIALS_DIRECTORY}/cert --key ${CREDENTIALS_DIRECTORY}/key", File.ReadAllText(expected[0]));
        Assert.Contains("sudo cp units/shop.service units/shop.socket units/shop-http.socket /etc/systemd/system/ && sudo systemctl daemon-reload"
            + " && sudo systemctl enable --now shop.socket shop-http.socket", run.StandardError[^1]);
        if (!OperatingSystem.IsWindows())
        {
            foreach (string path in expected)
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(path));
            }
        }
    }

    [Fact]
    public async Task ForwardedByAndProxyProtocolReachTheServersCommandLine()
    {
        (await AppHostTool.RunAsync(_directory.Path, "service", "shop", "--binary", Binary, "--forwarded-by", "10.0.0.0/8", "--forwarded-by", "192.0.2.5", "--proxy-protocol"))
            .AssertSucceeded();

        Assert.Contains("ExecStart=/opt/shop/shop --forwarded-by 10.0.0.0/8 --forwarded-by 192.0.2.5/32 --proxy-protocol --log-format json",
            File.ReadAllText(Path.Combine(_directory.Path, "shop.service")));
    }

    [Fact]
    public async Task TheAppsOwnOptionsEnvironmentAndSecretsReachItsUnit()
    {
        (await AppHostTool.RunAsync(_directory.Path, "service", "shop", "--binary", Binary, "--env", "SHOP_MODE=fast", "--secret", "db=/etc/shop/db",
            "--", "--greeting", "Good day", "--host-name", "shop.example.com")).AssertSucceeded();

        string unit = File.ReadAllText(Path.Combine(_directory.Path, "shop.service"));
        Assert.Contains("--shutdown-timeout 30 --greeting \"Good day\" --host-name shop.example.com\n", unit);
        Assert.Contains("\nEnvironment=\"SHOP_MODE=fast\"\n", unit);
        Assert.Contains("\nLoadCredential=db:/etc/shop/db\n", unit);
    }

    [Fact]
    public async Task AnEnvironmentFileIsReadBySystemdWhereItIs()
    {
        (await AppHostTool.RunAsync(_directory.Path, "service", "shop", "--binary", Binary, "--env-file", "/etc/shop/environment")).AssertSucceeded();

        Assert.Contains("\nEnvironmentFile=/etc/shop/environment\n", File.ReadAllText(Path.Combine(_directory.Path, "shop.service")));
        (await AppHostTool.RunAsync(_directory.Path, "service", "shop", "--binary", Binary, "--env-file", "environment", "--force"))
            .AssertOneLineError(2, "--env-file 'environment' is not an absolute path");
    }

    [Fact]
    public async Task MetricsGetASocketUnitOfTheirOwnOnLoopback()
    {
        var run = (await AppHostTool.RunAsync(_directory.Path, "service", "shop", "--binary", Binary, "--cert", Certificate, "--metrics-port", "9100")).AssertSucceeded();

        string socket = File.ReadAllText(Path.Combine(_directory.Path, "shop-metrics.socket"));
        string service = File.ReadAllText(Path.Combine(_directory.Path, "shop.service"));
        Assert.Equal(["shop.service", "shop.socket", "shop-http.socket", "shop-metrics.socket"], run.StandardOutput.Select(p => Path.GetFileName(p)));
        Assert.Contains("\nListenStream=127.0.0.1:9100\n", socket);
        Assert.Contains("\nFileDescriptorName=metrics\n", socket);
        Assert.Contains("\nSockets=shop.socket shop-http.socket shop-metrics.socket\n", service);
        Assert.Contains("\nWants=shop-metrics.socket\n", service);
        // Loopback is the server's own default: nothing to say on its command line.
        Assert.DoesNotContain("--metrics", service);
        Assert.Contains("sudo systemctl enable --now shop.socket shop-http.socket shop-metrics.socket", run.StandardError[^1]);
    }

    [Fact]
    public async Task MetricsOnAPrivateNetworkAreOpenedToItsPeers()
    {
        (await AppHostTool.RunAsync(_directory.Path, "service", "shop", "--binary", Binary, "--metrics-port", "9100", "--metrics-host", "10.1.2.3")).AssertSucceeded();

        Assert.Contains("\nListenStream=10.1.2.3:9100\n", File.ReadAllText(Path.Combine(_directory.Path, "shop-metrics.socket")));
        // Without it the server would answer only peers on its own machine, whatever the socket binds.
        Assert.Contains("ExecStart=/opt/shop/shop --metrics-host 10.1.2.3 --log-format json", File.ReadAllText(Path.Combine(_directory.Path, "shop.service")));
    }

    [Fact]
    public async Task AWordBeforeTheDoubleDashIsNotTakenForAnAppOption()
    {
        (await AppHostTool.RunAsync(_directory.Path, "service", "shop", "stray", "--binary", Binary))
            .AssertOneLineError(2, "unexpected 'stray': the app's own options go after --");
    }

    [Fact]
    public async Task FilesGoToTheCurrentFolderByDefault()
    {
        var run = (await AppHostTool.RunAsync(_directory.Path, "service", "shop", "--binary", Binary, "--http-port", "0", "--cert", Certificate)).AssertSucceeded();

        Assert.Equal([Path.Combine(_directory.Path, "shop.service"), Path.Combine(_directory.Path, "shop.socket")], run.StandardOutput);
        Assert.Equal(2, Directory.GetFiles(_directory.Path).Length);
        Assert.EndsWith("enable --now shop.socket", run.StandardError[^1]);
    }

    [Fact]
    public async Task ExistingFileIsKeptUnlessForced()
    {
        string socket = Path.Combine(_directory.Path, "shop.socket");
        File.WriteAllText(socket, "precious");

        var refused = await AppHostTool.RunAsync(_directory.Path, "service", "shop", "--binary", Binary, "--cert", Certificate);
        refused.AssertOneLineError(2, $"'{socket}' already exists", "--force");
        Assert.Equal("precious", File.ReadAllText(socket));
        Assert.False(File.Exists(Path.Combine(_directory.Path, "shop.service")), "nothing is written when one file is refused");

        (await AppHostTool.RunAsync(_directory.Path, "service", "shop", "--binary", Binary, "--cert", Certificate, "--force")).AssertSucceeded();
        Assert.Contains("FileDescriptorName=https", File.ReadAllText(socket));
    }

    [Theory]
    [InlineData(new[] { "shop.service", "--binary", Binary }, "name 'shop.service' ends in '.service'; give the name alone (shop)")]
    [InlineData(new[] { "my shop", "--binary", Binary }, "name 'my shop' is not a unit name")]
    [InlineData(new[] { "shop", "--binary", "shop" }, "--binary 'shop' is not an absolute path")]
    [InlineData(new[] { "shop", "--binary", "/opt/my shop/shop" }, "--binary '/opt/my shop/shop' holds ' '")]
    [InlineData(new[] { "shop", "--binary", "/home/me/shop" }, "--binary '/home/me/shop' is under /home", "ProtectHome=yes")]
    [InlineData(new[] { "shop", "--binary", Binary, "--port", "0" }, "--port 0 would listen on a different port at each start", "from 1 to 65535")]
    [InlineData(new[] { "shop", "--binary", Binary, "--cert", Certificate, "--http-port", "65536" }, "--http-port '65536' is not valid: expected a port number from 0 to 65535")]
    [InlineData(new[] { "shop", "--binary", Binary, "--cert", Certificate, "--port", "80" }, "--http-port 80 is also --port", "choose another port for the redirect")]
    [InlineData(new[] { "shop", "--binary", Binary, "--http-port", "8080" }, "--http-port 8080 redirects to HTTPS, which needs a certificate")]
    [InlineData(new[] { "shop", "--binary", Binary, "--key", "/etc/ssl/shop.key" }, "--key and --cert-password-file belong to a certificate: add --cert FILE")]
    [InlineData(new[] { "shop", "--binary", Binary, "--cert", "shop.pem" }, "--cert 'shop.pem' is not an absolute path")]
    [InlineData(new[] { "shop", "--binary", Binary, "--cert", "/tmp/shop.pem", "--user", "shop" }, "--cert '/tmp/shop.pem' is under /tmp", "PrivateTmp=yes")]
    [InlineData(new[] { "shop", "--binary", Binary, "--cert", Certificate, "--user", "root" }, "--user 'root' would run the server with every privilege")]
    [InlineData(new[] { "shop", "--binary", Binary, "--user", "web server" }, "--user 'web server' is not a user name")]
    [InlineData(new[] { "shop" }, "--binary")]
    [InlineData(new[] { "shop", "--binary", Binary, "--cert", Certificate, "--acme-domain", "shop.example.com" }, "--acme-domain gets the certificate from an ACME CA and --cert names a file: use one of them")]
    [InlineData(new[] { "shop", "--binary", Binary, "--acme-domain", "*.example.com" }, "--acme-domain '*.example.com' is not valid", "not an IP address or a wildcard")]
    [InlineData(new[] { "shop", "--binary", Binary, "--acme-domain", "192.0.2.1" }, "--acme-domain '192.0.2.1' is not valid")]
    [InlineData(new[] { "shop", "--binary", Binary, "--acme-email", "admin@example.com" }, "--acme-email, --acme-directory and --acme-ca-file belong to automatic HTTPS: add --acme-domain NAME")]
    [InlineData(new[] { "shop", "--binary", Binary, "--user", "web", "--acme-domain", "shop.example.com", "--acme-ca-file", "/tmp/ca.pem" }, "--acme-ca-file '/tmp/ca.pem' is under /tmp", "PrivateTmp=yes")]
    [InlineData(new[] { "shop", "--binary", Binary, "--acme-domain", "shop.example.com", "--acme-directory", "http://ca.example/dir" }, "--acme-directory 'http://ca.example/dir' is not valid: expected an https:// URL")]
    [InlineData(new[] { "shop", "--binary", Binary, "--acme-domain", "shop.example.com", "--acme-email", "a$b@example.com" }, "--acme-email 'a$b@example.com' holds '$', which a unit file would not keep as written")]
    [InlineData(new[] { "shop", "--binary", Binary, "--metrics-port", "0" }, "--metrics-port 0 would listen on a different port at each start", "from 1 to 65535")]
    [InlineData(new[] { "shop", "--binary", Binary, "--cert", Certificate, "--metrics-port", "443" }, "--metrics-port 443 is also the --port port", "a port of their own")]
    [InlineData(new[] { "shop", "--binary", Binary, "--cert", Certificate, "--metrics-port", "80" }, "--metrics-port 80 is also the --http-port port")]
    [InlineData(new[] { "shop", "--binary", Binary, "--metrics-host", "127.0.0.1" }, "--metrics-host needs --metrics-port")]
    [InlineData(new[] { "shop", "--binary", Binary, "--metrics-port", "9100", "--metrics-host", "nonsense" }, "--metrics-host 'nonsense' is not valid")]
    public async Task BadValueIsRefusedWithOneLine(string[] args, params string[] fragments)
    {
        var run = await AppHostTool.RunAsync(_directory.Path, ["service", .. args]);

        run.AssertOneLineError(2, fragments);
        Assert.Empty(Directory.GetFileSystemEntries(_directory.Path));
    }

    public void Dispose() => _directory.Dispose();
}
