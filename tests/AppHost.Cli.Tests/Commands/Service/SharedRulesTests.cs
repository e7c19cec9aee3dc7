using AppHost.Cli.CommandLine;
using AppHost.Cli.Tests.Infrastructure;

namespace AppHost.Cli.Tests.Commands.Service;

/// <summary>
/// apphost service writes a command line for the server, so it must accept exactly what the
/// server accepts: the same table of values goes to both, and each verdict must be the same,
/// down to the one line a refused value gets.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class SharedRulesTests : IDisposable
{
    // The server's name in these runs: unusual, so no variable of this machine (APPHOST_TABLE_PORT...) is read.
    private const string App = "apphost_table";
    private const string Certificate = "/etc/ssl/shop.pfx";
    private const string Domain = "shop.example.com";

    private readonly TempDirectory _units = new();

    public static TheoryData<string[]> Refused => new()
    {
        { ["--port", "70000"] },
        { ["--port", "-1"] },
        { ["--port", "https"] },
        { ["--cert", Certificate, "--http-port", "65536"] },
        { ["--cert", ""] },
        { ["--acme-domain", "*.example.com"] },
        { ["--acme-domain", "192.0.2.1"] },
        { ["--acme-domain", "::1"] },
        { ["--acme-domain", "bad_name.example.com"] },
        { ["--acme-domain", "shop..example.com"] },
        { ["--acme-domain", "-shop.example.com"] },
        { ["--acme-domain", new string('a', 250) + ".com"] },
        { ["--acme-domain", Domain, "--acme-email", "nobody"] },
        { ["--acme-domain", Domain, "--acme-email", "a@b@example.com"] },
        { ["--acme-domain", Domain, "--acme-email", "@example.com"] },
        { ["--acme-domain", Domain, "--acme-email", "admin@"] },
        { ["--acme-domain", Domain, "--acme-email", "admin@example.com/x"] },
        // One past SMTP's longest address; the tool took it before it shared the server's rules.
        { ["--acme-domain", Domain, "--acme-email", new string('a', 243) + "@example.com"] },
        { ["--acme-domain", Domain, "--acme-directory", "http://ca.example/dir"] },
        { ["--acme-domain", Domain, "--acme-directory", "ca.example/dir"] },
        { ["--acme-domain", Domain, "--cert", Certificate] },
        { ["--acme-email", "admin@example.com"] },
        { ["--acme-directory", "https://ca.example/dir"] },
        { ["--key", "/etc/ssl/shop.key"] },
        { ["--http-port", "8081"] },
        { ["--forwarded-by", "10.0.0.0/33"] },
        { ["--forwarded-by", "balancer.example"] },
        { ["--forwarded-by", "10.0.0.1/8/8"] },
        { ["--proxy-protocol"] },
        { ["--cert", Certificate, "--port", "8443", "--http-port", "8443"] },
    };

    public static TheoryData<string[]> Accepted => new()
    {
        { ["--port", "8443", "--cert", Certificate, "--http-port", "8080"] },
        { ["--acme-domain", "Shop.Example.COM", "--acme-domain", "www.shop.example.com"] },
        { ["--acme-domain", Domain, "--acme-email", new string('a', 242) + "@example.com"] },
        { ["--acme-domain", Domain, "--acme-directory", "https://acme-staging-v02.api.letsencrypt.org/directory"] },
        { ["--forwarded-by", "10.0.0.0/8", "--forwarded-by", "2001:db8::1"] },
        { ["--forwarded-by", "10.0.0.0/8", "--proxy-protocol"] },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void ValueTheServerRefusesIsRefusedByServiceWithTheSameLine(string[] args)
    {
        var server = RunServer(args);
        var service = RunService(args);

        Assert.Equal((2, 1), (server.ExitCode, server.Lines.Length));
        Assert.Equal((2, 1), (service.ExitCode, service.Lines.Length));
        Assert.Equal(WithoutHelpHint(server.Lines[0], App), WithoutHelpHint(service.Lines[0], "apphost"));
        Assert.Empty(Directory.GetFileSystemEntries(_units.Path));
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public void ValueTheServerAcceptsIsWrittenByService(string[] args)
    {
        var server = RunServer(args);
        var service = RunService(args);

        Assert.True(server.ExitCode == 0, string.Join('\n', server.Lines));
        Assert.True(service.ExitCode == 0, string.Join('\n', service.Lines));
        Assert.Contains(Directory.GetFiles(_units.Path), f => f.EndsWith("shop.service", StringComparison.Ordinal));
    }

    public void Dispose() => _units.Dispose();

    // The server's command line, in this process; serving is replaced by "exit 0".
    private static (int ExitCode, string[] Lines) RunServer(string[] args) =>
        ConsoleCollection.CaptureError(() => ServerCommand.Run(App, args, _ => Task.FromResult(0), new ServerDefaults()));

    private (int ExitCode, string[] Lines) RunService(string[] args) =>
        ConsoleCollection.CaptureError(() => AppHostCommand.Run(["service", "shop", "--binary", "/opt/shop/shop", "-o", _units.Path, .. args]));

    private static string WithoutHelpHint(string line, string program) =>
        line.EndsWith($" (see {program} --help)", StringComparison.Ordinal) ? line[..line.LastIndexOf(" (see ", StringComparison.Ordinal)] : line;
}
