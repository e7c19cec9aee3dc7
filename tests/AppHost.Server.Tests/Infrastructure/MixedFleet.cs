using System.Diagnostics;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// A fleet of two processors: one Debian 12 host of this machine's (x64), and one Debian 12 arm64 host
/// whose every program, systemd and sshd among them, runs under qemu-user (<see cref="QemuUser"/>,
/// <see cref="EmulatedSystemd"/>). Both are <see cref="SshHost"/>s of an <see cref="SshFleet"/>,
/// reached with its ssh config. The arm64 root is made once with debootstrap and kept like the others
/// (<see cref="DebianRoot"/>). Torn down after its tests, leaving no container and no interface.
/// </summary>
public sealed class MixedFleet : IAsyncLifetime
{
    /// <summary>Debian's name of the other processor, as debootstrap's --arch takes it.</summary>
    public const string Arm64 = "arm64";

    private readonly SshFleet _fleet;
    private EmulatedSystemd? _emulated;

    public MixedFleet()
    {
        _fleet = new SshFleet(publicKey =>
        [
            SshHost.BootAsync(SystemdContainer.Release, SystemdContainer.Packages, publicKey),
            BootArm64Async(publicKey),
        ]);
    }

    /// <summary>The host of this machine's processor.</summary>
    public SshHost X64 => _fleet.Hosts.Single(host => host.Architecture is null);

    /// <summary>The arm64 host.</summary>
    public SshHost Arm64Host => _fleet.Hosts.Single(host => host.Architecture == Arm64);

    /// <summary>Both hosts, the x64 one first.</summary>
    public IReadOnlyList<SshHost> Hosts => [X64, Arm64Host];

    /// <inheritdoc cref="SshFleet.ConfigFile"/>
    public string ConfigFile => _fleet.ConfigFile;

    /// <summary>How long making the arm64 root took, or zero when it was kept from an earlier run.</summary>
    public TimeSpan RootTime { get; private set; }

    /// <summary>How long booting both hosts took, from a root at hand until each let root in over ssh.</summary>
    public TimeSpan BootTime { get; private set; }

    /// <summary>Why this machine cannot run the fleet, or null when it can.</summary>
    public static string? WhyNot() => SshFleet.WhyNot() ?? QemuUser.WhyNot() ?? EmulatedSystemd.WhyNot();

    public async Task InitializeAsync()
    {
        if (WhyNot() is not null)
        {
            return; // the tests skip themselves with the reason
        }

        // The root first, timed apart from the boot: on a machine without it, debootstrap's minutes are most of the cost.
        var clock = Stopwatch.StartNew();
        await QemuUser.EnsureRegisteredAsync();
        bool kept = Directory.Exists(DebianRoot.PathOf(SystemdContainer.Release, SystemdContainer.Packages, Arm64));
        string root = await DebianRoot.EnsureAsync(SystemdContainer.Release, SystemdContainer.Packages, Arm64);
        RootTime = kept ? TimeSpan.Zero : clock.Elapsed;
        _emulated = await EmulatedSystemd.CreateAsync(root);

        clock.Restart();
        try
        {
            await _fleet.InitializeAsync();
        }
        catch
        {
            _emulated.Dispose();
            throw;
        }

        BootTime = clock.Elapsed;
    }

    public async Task DisposeAsync()
    {
        try
        {
            await _fleet.DisposeAsync();
        }
        finally
        {
            _emulated?.Dispose();
        }
    }

    // The same packages as the x64 hosts' root, for arm64: what a Debian 12 arm64 server has.
    private Task<SshHost> BootArm64Async(string publicKey) =>
        SshHost.BootAsync(SystemdContainer.Release, SystemdContainer.Packages, publicKey, Arm64, _emulated!.NspawnArguments);
}
