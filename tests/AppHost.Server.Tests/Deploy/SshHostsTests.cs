using System.Net;
using System.Net.Sockets;
using AppHost.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace AppHost.Server.Tests.Deploy;

/// <summary>
/// The servers the deploy tests deploy to (<see cref="SshFleet"/>) are what those tests take them for:
/// separate Debian systems, reached from this machine over a real network link by its own OpenSSH
/// client, which checks their keys.
/// </summary>
[Collection(SshFleetCollection.Name)]
public sealed class SshHostsTests
{
    private const int SshPort = 22;

    // What `getconf GNU_LIBC_VERSION` says on each release: Debian 11's is the one too old for the native file.
    private static readonly Dictionary<string, string> Glibc = new()
    {
        [SystemdContainer.Release] = "glibc 2.36",
        [OldGlibcRoot.Release] = "glibc 2.31",
    };

    // On a link of this machine's, a banner comes within milliseconds: ten seconds without one means no sshd.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly SshFleet _fleet;
    private readonly ITestOutputHelper _output;

    public SshHostsTests(SshFleet fleet, ITestOutputHelper output)
    {
        _fleet = fleet;
        _output = output;
    }

    [SshFact]
    public async Task EachHostAnswersOverSshWithItsOwnNameReleaseAndGlibc()
    {
        _output.WriteLine($"the fleet booted in {_fleet.BootTime.TotalSeconds:F1} s");
        Assert.Equal(new[] { "bookworm", "bookworm", "bullseye" }, _fleet.Hosts.Select(host => host.Release));
        foreach (var host in _fleet.Hosts)
        {
            var run = await _fleet.SshAsync(host.Alias, "hostname; . /etc/os-release; echo $VERSION_CODENAME; getconf GNU_LIBC_VERSION");
            Assert.Equal(new[] { host.Alias, host.Release, Glibc[host.Release] }, run.AssertSucceeded().StandardOutput);
        }
    }

    [SshFact]
    public async Task SshdsBannerReachesThisProcessOverEachHostsOwnLink()
    {
        foreach (var host in _fleet.Hosts)
        {
            using var deadline = new CancellationTokenSource(Deadline);
            // IPv4, not dual-mode: the local end then reads 198.18.N.1, not its IPv6-mapped form.
            using var tcp = new TcpClient(host.Address.AddressFamily);
            await tcp.ConnectAsync(host.Address, SshPort, deadline.Token);
            // It left from this machine's end of that host's link, not through any other interface.
            Assert.Equal(host.LocalAddress, ((IPEndPoint)tcp.Client.LocalEndPoint!).Address);
            using var reader = new StreamReader(tcp.GetStream());
            // RFC 4253 section 4.2: the server's first line is its identification string.
            Assert.StartsWith("SSH-2.0-OpenSSH_", await reader.ReadLineAsync(deadline.Token));
        }
    }

    [SshFact]
    public async Task AHostWhoseKeyIsNotInKnownHostsIsRefused()
    {
        using var folder = new TempDirectory();
        string nothingKnown = Path.Combine(folder.Path, "known_hosts");
        File.WriteAllText(nothingKnown, "");

        var run = await _fleet.SshAsync(_fleet.Bookworm[0].Alias, "true", _fleet.ConfigTrusting(nothingKnown));

        Assert.Equal(255, run.ExitCode); // ssh's own failure, not the remote command's
        Assert.Contains("Host key verification failed.", run.Errors);
    }

    [SshFact]
    public void EachHostHasAKeyOfItsOwn()
    {
        Assert.Equal(_fleet.Hosts.Count, _fleet.Hosts.Select(host => host.HostKey).Distinct().Count());
        Assert.All(_fleet.Hosts, host => Assert.StartsWith("ssh-ed25519 ", host.HostKey));
    }

    [SshFact]
    public async Task TheSudoUserBecomesRootWithoutAPassword()
    {
        foreach (var host in _fleet.Hosts)
        {
            var run = await _fleet.SshAsync($"{SshHost.SudoUser}@{host.Alias}", "whoami; sudo --non-interactive whoami");
            Assert.Equal(new[] { SshHost.SudoUser, "root" }, run.AssertSucceeded().StandardOutput);
        }
    }
}
