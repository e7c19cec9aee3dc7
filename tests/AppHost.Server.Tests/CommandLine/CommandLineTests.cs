using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.CommandLine;

/// <summary>A wrong command line gets exit code 2 and one line naming the problem; --help and --version work.</summary>
public sealed class CommandLineTests
{
    private const int Usage = 2;

    [Fact]
    public async Task UnknownOptionIsNamed()
    {
        var run = await AppExit.RunAsync("--frobnicate");
        run.AssertOneLineError(Usage, "--frobnicate", "--help");
    }

    [Theory]
    [InlineData("70000")]
    [InlineData("-1")]
    [InlineData("http")]
    public async Task PortOutsideItsRangeIsRefusedWithTheRange(string port)
    {
        var run = await AppExit.RunAsync("--port", port);
        run.AssertOneLineError(Usage, $"--port '{port}'", "0 to 65535");
    }

    [Fact]
    public async Task OptionWithoutItsValueIsRefused()
    {
        var run = await AppExit.RunAsync("--port");
        run.AssertOneLineError(Usage, "--port");
    }

    [Fact]
    public async Task HostThatIsNotAnAddressIsRefused()
    {
        var run = await AppExit.RunAsync("--host", "example.com");
        run.AssertOneLineError(Usage, "--host 'example.com'", "IP address");
    }

    [Theory]
    [InlineData("--log-level", "loud", "verbose, debug, information")]
    [InlineData("--log-format", "xml", "text or json")]
    [InlineData("--shutdown-timeout", "soon", "seconds")]
    [InlineData("--max-connections", "0", "1 to 1000000")]
    [InlineData("--forwarded-by", "10.0.0.0/33", "a range such as 10.0.0.0/8")]
    [InlineData("--forwarded-by", "balancer.example", "an IP address such as 10.0.0.5")]
    public async Task MalformedValueIsRefusedWithWhatIsExpected(string option, string value, string expected)
    {
        var run = await AppExit.RunAsync(option, value);
        run.AssertOneLineError(Usage, $"{option} '{value}'", expected);
    }

    [Theory]
    [InlineData("--key")]
    [InlineData("--cert-password-file")]
    public async Task CertificateOptionWithoutCertificateIsRefused(string option)
    {
        var run = await AppExit.RunAsync(option, "some.file");
        run.AssertOneLineError(Usage, "add --cert");
    }

    [Fact]
    public async Task RedirectPortWithoutCertificateIsRefused()
    {
        var run = await AppExit.RunAsync("--http-port", "8081");
        run.AssertOneLineError(Usage, "--http-port 8081 redirects to HTTPS", "add --cert FILE or --acme-domain NAME");
    }

    [Theory]
    [InlineData(new[] { "--acme-domain", "shop.example.com", "--cert", "x.pfx" }, "--acme-domain gets the certificate from an ACME CA and --cert names a file: use one of them")]
    [InlineData(new[] { "--acme-domain", "*.example.com" }, "--acme-domain '*.example.com'", "not an IP address or a wildcard")]
    [InlineData(new[] { "--acme-domain", "127.0.0.1" }, "--acme-domain '127.0.0.1'", "a DNS name")]
    [InlineData(new[] { "--acme-domain", "bad_name.example" }, "--acme-domain 'bad_name.example'", "a DNS name")]
    [InlineData(new[] { "--acme-domain", "shop.example.com", "--acme-directory", "http://ca.example/dir" }, "--acme-directory 'http://ca.example/dir'", "https:// URL")]
    [InlineData(new[] { "--acme-domain", "shop.example.com", "--acme-email", "nobody" }, "--acme-email 'nobody'", "e-mail address")]
    [InlineData(new[] { "--acme-email", "admin@example.com" }, "belong to automatic HTTPS: add --acme-domain NAME")]
    public async Task BadAcmeOptionsAreRefusedWithOneLine(string[] args, params string[] fragments)
    {
        var run = await AppExit.RunAsync(args);
        run.AssertOneLineError(Usage, fragments);
    }

    [Fact]
    public async Task HostNameThatIsNotOneIsRefused()
    {
        var run = await AppExit.RunAsync("--host-name", "bad name!");
        run.AssertOneLineError(Usage, "--host-name 'bad name!'", "host name");
    }

    [Fact]
    public async Task MalformedEnvironmentVariableIsNamed()
    {
        var run = await AppExit.RunAsync([], new Dictionary<string, string> { ["APPHOSTSAMPLE_PORT"] = "eighty" });
        run.AssertOneLineError(Usage, "APPHOSTSAMPLE_PORT='eighty'", "0 to 65535");
    }

    [Fact]
    public async Task HelpListsEveryOptionWithItsEnvironmentVariable()
    {
        var run = await AppExit.RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        string help = string.Join('\n', run.StandardOutput);
        foreach (string option in new[] { "port", "host", "http-port", "host-name", "cert", "key", "cert-password-file", "log-level", "log-format", "shutdown-timeout", "max-connections",
            "acme-domain", "acme-email", "acme-directory", "acme-ca-file", "state-dir", "metrics-port", "metrics-host", "otlp-endpoint", "otlp-interval" })
        {
            Assert.Contains($"--{option}", help);
            Assert.Contains($"APPHOSTSAMPLE_{option.Replace('-', '_').ToUpperInvariant()}", help);
        }
    }

    [Fact]
    public async Task VersionIsPrinted()
    {
        var run = await AppExit.RunAsync("--version");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("1.0.0", Assert.Single(run.StandardOutput, l => l.Length > 0));
    }

    [Fact]
    public async Task CheckJudgesTheOptionsAndExitsWithoutServing()
    {
        // A port in use by nothing and an app option: valid, so exit 0 at once, having listened nowhere.
        var valid = await AppExit.RunAsync("--check", "--port", "1", "--greeting", "Hej");
        var invalid = await AppExit.RunAsync("--check", "--greeting", "");

        Assert.Equal(0, valid.ExitCode);
        Assert.Empty(valid.StandardError);
        Assert.DoesNotContain(valid.StandardOutput, line => line.Contains("Listening", StringComparison.Ordinal));
        invalid.AssertOneLineError(Usage, "--greeting '' is not valid");
    }
}
