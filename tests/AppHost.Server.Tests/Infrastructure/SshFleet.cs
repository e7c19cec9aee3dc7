using System.Diagnostics;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// The servers <c>apphost deploy</c> is tested against: two Debian 12 hosts, and one Debian 11 host
/// (glibc 2.31) for a host too old for the native file, each an <see cref="SshHost"/> reached from
/// this machine's OpenSSH client with <see cref="ConfigFile"/>: <c>ssh -F config alias</c> as root, or
/// <c>ssh -F config deployer@alias</c> as <see cref="SshHost.SudoUser"/>. Shared by the tests of
/// <see cref="SshFleetCollection"/>; torn down after them, leaving no container and no interface.
/// </summary>
public sealed class SshFleet : IAsyncLifetime
{
    // sshd was restarted with its new key just before; a loaded CI machine may take a while to start it.
    private static readonly TimeSpan SshdTimeout = TimeSpan.FromSeconds(30);

    private readonly Func<string, Task<SshHost>[]> _boot;
    private SshClientFiles? _client;

    /// <summary>Two Debian 12 hosts and a Debian 11 one.</summary>
    public SshFleet()
        : this(publicKey =>
        [
            SshHost.BootAsync(SystemdContainer.Release, SystemdContainer.Packages, publicKey),
            SshHost.BootAsync(SystemdContainer.Release, SystemdContainer.Packages, publicKey),
            SshHost.BootAsync(OldGlibcRoot.Release, OldGlibcRoot.Packages, publicKey),
        ])
    {
    }

    /// <summary>A fleet of other hosts (<see cref="MixedFleet"/>).</summary>
    /// <param name="boot">Starts booting each host whose root and <see cref="SshHost.SudoUser"/> accept this client public key.</param>
    internal SshFleet(Func<string, Task<SshHost>[]> boot)
    {
        _boot = boot;
    }

    /// <summary>Every host: the Debian 12 ones first.</summary>
    public IReadOnlyList<SshHost> Hosts { get; private set; } = [];

    /// <summary>The two Debian 12 hosts (glibc 2.36, OpenSSL 3): two, so a deploy to several servers is seen to reach each.</summary>
    public IReadOnlyList<SshHost> Bookworm => [.. Hosts.Where(host => host.Release == SystemdContainer.Release)];

    /// <summary>The Debian 11 host (glibc 2.31, OpenSSL 1.1).</summary>
    public SshHost Bullseye => Hosts.Single(host => host.Release == OldGlibcRoot.Release);

    /// <summary>The ssh config naming every host by its alias (<see cref="SshClientFiles"/>).</summary>
    public string ConfigFile => Client.ConfigFile;

    /// <summary>The known_hosts file <see cref="ConfigFile"/> trusts; the other tests rely on it, so see <see cref="ConfigTrusting"/> to trust another.</summary>
    public string KnownHostsFile => Client.KnownHostsFile;

    /// <summary>The client's private key, which root and <see cref="SshHost.SudoUser"/> of every host accept.</summary>
    public string IdentityFile => Client.IdentityFile;

    /// <summary>How long booting the hosts took, until each let root in over ssh.</summary>
    public TimeSpan BootTime { get; private set; }

    private SshClientFiles Client => _client ?? throw new InvalidOperationException($"the fleet did not start: {WhyNot()}");

    /// <summary>Why this machine cannot run the fleet, or null when it can.</summary>
    public static string? WhyNot() =>
        SystemdContainer.WhyNot()
        ?? Missing("ssh", "openssh-client")
        ?? Missing("ssh-keygen", "openssh-client")
        ?? Missing("ip", "iproute2");

    public async Task InitializeAsync()
    {
        if (WhyNot() is not null)
        {
            return; // the tests skip themselves with the reason
        }

        var clock = Stopwatch.StartNew();
        _client = await SshClientFiles.CreateAsync();
        // In parallel: a boot mostly waits for systemd's units, so three take little longer than one.
        Task<SshHost>[] boots = _boot(_client.PublicKey);
        try
        {
            await Task.WhenAll(boots);
            Hosts = [.. boots.Select(boot => boot.Result)];
            _client.Trust(Hosts);
            await Task.WhenAll(Hosts.Select(WaitForSshdAsync));
        }
        catch
        {
            // A failed boot has cleaned up after itself; the hosts that did boot are powered off here,
            // not left to a DisposeAsync that may not come after a failed InitializeAsync.
            Hosts = [.. boots.Where(boot => boot.IsCompletedSuccessfully).Select(boot => boot.Result)];
            await DisposeAsync();
            throw;
        }

        BootTime = clock.Elapsed;
    }

    /// <summary>Runs a shell command on a host over ssh.</summary>
    /// <param name="destination">An alias, or user@alias.</param>
    /// <param name="command">What the remote shell runs.</param>
    /// <param name="configFile">The ssh config; <see cref="ConfigFile"/> unless said.</param>
    public Task<CommandRun> SshAsync(string destination, string command, string? configFile = null) =>
        CommandRun.RunAsync(["ssh", "-F", configFile ?? ConfigFile, destination, command]);

    /// <inheritdoc cref="SshClientFiles.ConfigTrusting"/>
    public string ConfigTrusting(string knownHostsFile) => Client.ConfigTrusting(knownHostsFile);

    public async Task DisposeAsync()
    {
        // In parallel, as they booted: powering off mostly waits for systemd's units too.
        var hosts = Hosts;
        Hosts = [];
        try
        {
            await Task.WhenAll(hosts.Select(host => host.DisposeAsync().AsTask()));
        }
        finally
        {
            _client?.Dispose();
            _client = null;
        }
    }

    private async Task WaitForSshdAsync(SshHost host)
    {
        await WaitForLoginAsync(host, host.Alias);
        // pam_nologin turns every user but root away while /run/nologin says the system is booting up.
        // systemd-user-sessions.service removes it at the end of the boot; when that unit failed (see
        // ContainerCgroup), root got in and the sudo user never did. So both are waited for, and a
        // host that never lets one in says why.
        await WaitForLoginAsync(host, $"{SshHost.SudoUser}@{host.Alias}");
    }

    private async Task WaitForLoginAsync(SshHost host, string destination)
    {
        CommandRun? last = null;
        try
        {
            await Poll.UntilAsync(async () => (last = await SshAsync(destination, "true")).ExitCode == 0, SshdTimeout, $"sshd on {host.Alias} to let {destination} in");
        }
        catch (TimeoutException e)
        {
            var state = await host.RunAsync(["sh", "-c", "systemctl is-system-running; systemctl --failed --no-legend; ls -l /run/nologin; journalctl -b --no-pager -u systemd-user-sessions | tail -5"], check: false);
            throw new TimeoutException($"{e.Message}; ssh said: {last?.Errors.Trim()}; the host says: {state.Output.Trim()}", e);
        }
    }

    private static string? Missing(string program, string package) =>
        SystemdContainer.OnPath(program) ? null : $"{program} is not installed; install it with: sudo apt-get install {package}";
}
