using System.Text;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// What this machine's OpenSSH client needs to reach the deploy tests' hosts, made in a folder of the
/// test's own and read by nothing else: a key pair, a known_hosts file with each host's key, and a
/// config file with one Host block per host, used as <c>ssh -F config alias</c>. No file of the
/// user's (~/.ssh) or the system's (/etc/ssh) is read or written.
/// </summary>
public sealed class SshClientFiles : IDisposable
{
    private readonly TempDirectory _folder = new();
    private IReadOnlyList<SshHost> _hosts = [];
    private int _configs;

    private SshClientFiles()
    {
    }

    /// <summary>The private key, with no passphrase.</summary>
    public string IdentityFile => Path.Combine(_folder.Path, "id_ed25519");

    /// <summary>The public key as an authorized_keys line.</summary>
    public string PublicKey => File.ReadAllText($"{IdentityFile}.pub");

    /// <summary>The hosts' keys, one line per host.</summary>
    public string KnownHostsFile => Path.Combine(_folder.Path, "known_hosts");

    /// <summary>The config naming every host, for <c>ssh -F</c>.</summary>
    public string ConfigFile => Path.Combine(_folder.Path, "config");

    /// <summary>Makes the folder and the key pair; the hosts come later (<see cref="Trust"/>).</summary>
    public static async Task<SshClientFiles> CreateAsync()
    {
        var files = new SshClientFiles();
        (await CommandRun.RunAsync(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "apphost-tests", "-f", files.IdentityFile])).AssertSucceeded();
        return files;
    }

    /// <summary>Writes known_hosts with the hosts' keys and the config naming them.</summary>
    public void Trust(IReadOnlyList<SshHost> hosts)
    {
        _hosts = hosts;
        // ssh looks a host up by the address it connects to (HostName), not by the alias.
        File.WriteAllLines(KnownHostsFile, hosts.Select(host => $"{host.Address} {host.HostKey}"));
        WriteConfig(ConfigFile, KnownHostsFile);
    }

    /// <summary>
    /// Writes another config naming the same hosts, whose keys are checked against another known_hosts
    /// file (an empty one: every host is unknown), and leaves <see cref="ConfigFile"/> as it is for the other tests.
    /// </summary>
    /// <returns>The new config's path, for <c>ssh -F</c>.</returns>
    public string ConfigTrusting(string knownHostsFile)
    {
        string config = Path.Combine(_folder.Path, $"config-{Interlocked.Increment(ref _configs)}");
        WriteConfig(config, knownHostsFile);
        return config;
    }

    public void Dispose() => _folder.Dispose();

    private void WriteConfig(string path, string knownHostsFile)
    {
        var config = new StringBuilder();
        foreach (var host in _hosts)
        {
            config.Append($"""
                Host {host.Alias}
                    HostName {host.Address}
                    User root
                    IdentityFile "{IdentityFile}"
                    # Only the key above: an agent's keys would make the tests depend on who runs them.
                    IdentitiesOnly yes
                    UserKnownHostsFile "{knownHostsFile}"
                    # No system-wide known_hosts either: the file above alone says which keys are right.
                    GlobalKnownHostsFile /dev/null
                    # A key that is unknown or different fails the connection, as it should in production.
                    StrictHostKeyChecking yes
                    # Never a prompt: a test has no one to answer it.
                    BatchMode yes
                    # The host is on a link of this machine's, where a connection takes milliseconds: ten
                    # seconds without one means it is gone, not slow (TCP's own timeout is about two minutes).
                    ConnectTimeout 10

                """);
        }

        File.WriteAllText(path, config.ToString());
    }
}
