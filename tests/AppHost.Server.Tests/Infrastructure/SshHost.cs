using System.Net;
using System.Text;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// One server of the deploy tests: a Debian container booted with systemd (<see cref="SystemdContainer"/>)
/// on a link of its own to this machine (<see cref="VethLink"/>), whose sshd lets in root and
/// <see cref="SudoUser"/> with the tests' client key. Its host name is its <see cref="Alias"/>.
/// </summary>
public sealed class SshHost : IAsyncDisposable
{
    /// <summary>A user who is not root but may become it with sudo, without a password: how many servers are run.</summary>
    public const string SudoUser = "deployer";

    // Run inside the container with the client's public key on stdin. The root's host keys were made
    // once, by debootstrap, and are the same in every container: each host gets an ed25519 key of its
    // own, so a known_hosts line vouches for one host only. (sshd skips the default key files missing.)
    private const string SetUpScript = $"""
        set -e
        rm -f /etc/ssh/ssh_host_*
        ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key
        systemctl restart ssh
        install -d -m 0700 /root/.ssh
        cat > /root/.ssh/authorized_keys
        useradd --create-home --shell /bin/bash {SudoUser}
        install -d -m 0700 -o {SudoUser} -g {SudoUser} /home/{SudoUser}/.ssh
        install -m 0600 -o {SudoUser} -g {SudoUser} /root/.ssh/authorized_keys /home/{SudoUser}/.ssh/authorized_keys
        echo '{SudoUser} ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/{SudoUser}
        chmod 0440 /etc/sudoers.d/{SudoUser}
        """;

    private readonly SystemdContainer _container;
    private readonly VethLink _link;

    private SshHost(string release, string? architecture, Func<string, SystemdContainer> container, VethLink link)
    {
        Release = release;
        Architecture = architecture;
        _link = link;
        _container = container(Alias);
    }

    /// <summary>The Debian release it runs, such as bookworm.</summary>
    public string Release { get; }

    /// <summary>Debian's name of its processor when it is not this machine's (arm64, run under qemu-user), else null.</summary>
    public string? Architecture { get; }

    /// <summary>
    /// Its name in the ssh config file, and its host name: the release, another processor's name, and
    /// its link's number, such as bookworm-1 or bookworm-arm64-2.
    /// </summary>
    public string Alias => Architecture is null ? $"{Release}-{_link.Number}" : $"{Release}-{Architecture}-{_link.Number}";

    /// <summary>Its address, 198.18.N.2, on the link to this machine.</summary>
    public IPAddress Address => _link.ContainerAddress;

    /// <summary>This machine's address on the same link, 198.18.N.1: where the host sees the tests' connections come from.</summary>
    public IPAddress LocalAddress => _link.HostAddress;

    /// <summary>Its public host key as known_hosts writes it after the address: "ssh-ed25519 AAAA...".</summary>
    public string HostKey { get; private set; } = "";

    /// <summary>Boots a host of this release whose root and <see cref="SudoUser"/> accept the client key.</summary>
    /// <param name="packages">What its root holds beyond minbase; it must include systemd, openssh-server and sudo.</param>
    /// <param name="clientPublicKey">An authorized_keys line.</param>
    internal static Task<SshHost> BootAsync(string release, string packages, string clientPublicKey) =>
        BootAsync(release, packages, clientPublicKey, architecture: null, nspawnArguments: []);

    /// <summary>Boots a host of another processor's root, with more options for systemd-nspawn (<see cref="EmulatedSystemd"/>).</summary>
    /// <param name="architecture">Debian's name of the processor (arm64), or null for this machine's.</param>
    internal static async Task<SshHost> BootAsync(string release, string packages, string clientPublicKey, string? architecture, IReadOnlyList<string> nspawnArguments)
    {
        var link = VethLink.Claim();
        var host = new SshHost(release, architecture, alias => new SystemdContainer(release, packages, machine: alias, architecture, nspawnArguments), link);
        try
        {
            await host._container.InitializeAsync();
            await link.ConnectAsync(host._container.InitPid);
            await host.RunAsync(["sh", "-c", SetUpScript], input: new MemoryStream(Encoding.UTF8.GetBytes(clientPublicKey)));
            string key = (await host.RunAsync(["cat", "/etc/ssh/ssh_host_ed25519_key.pub"])).Output;
            host.HostKey = string.Join(' ', key.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..2]); // type and key, not ssh-keygen's comment
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a command inside the host as root, not over ssh (see <see cref="SystemdContainer.RunAsync"/>).</summary>
    public Task<CommandRun> RunAsync(IReadOnlyList<string> command, bool check = true, Stream? input = null) =>
        _container.RunAsync(command, check, input);

    /// <summary>Copies a file of this machine into the host, not over ssh (see <see cref="SystemdContainer.CopyInAsync"/>).</summary>
    public Task CopyInAsync(string hostFile, string containerPath, string mode = "0644", string owner = "root:root") =>
        _container.CopyInAsync(hostFile, containerPath, mode, owner);

    /// <summary>Powers the container off, then makes sure its link has gone with it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _container.DisposeAsync();
        }
        finally
        {
            await _link.DisposeAsync();
        }
    }
}
