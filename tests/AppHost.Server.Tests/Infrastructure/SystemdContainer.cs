using System.Diagnostics;
using System.Globalization;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// A real systemd: Debian 12 booted in a container with <c>systemd-nspawn</c>, for the tests that
/// run the units <c>apphost service</c> writes. The root is made once with debootstrap and cached
/// (<see cref="DebianRoot"/>); the container sees it through a throw-away overlay
/// (<c>--volatile=overlay</c>), has no network but its own loopback (<c>--private-network</c>; the
/// deploy tests' hosts get a link of their own afterwards, <see cref="VethLink"/>), and is entered
/// with <c>nsenter</c>. One container serves all the tests of a class, and is powered off after them.
/// </summary>
public sealed class SystemdContainer : IAsyncLifetime
{
    /// <summary>Debian 12.</summary>
    internal const string Release = "bookworm";

    /// <summary>
    /// What the root holds beyond minbase: systemd itself, OpenSSL 3 for the native file's TLS, and
    /// procps, whose kill the units' ExecReload= runs (every real server has it). sshd and sudo are
    /// for the deploy tests' hosts (<see cref="SshHost"/>), which boot this same root: one root for
    /// every Debian 12 container saves a debootstrap on CI, and an idle sshd costs the others nothing.
    /// </summary>
    internal const string Packages = "systemd,systemd-sysv,dbus,libssl3,procps,openssh-server,sudo";

    // A booted Debian reaches multi-user.target in 1-3 s here; a loaded CI machine may take much longer.
    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(90);

    private readonly string _release;
    private readonly string _packages;
    private readonly string? _machine;
    private readonly string? _architecture;
    private readonly IReadOnlyList<string> _nspawnArguments;
    private Process? _nspawn;
    private ContainerCgroup? _cgroup;

    /// <summary>The systemd tests' container: Debian 12 with <see cref="Packages"/>.</summary>
    public SystemdContainer()
        : this(Release, Packages, machine: null)
    {
    }

    /// <summary>A container of another root, or with a name of its own.</summary>
    /// <param name="release">The Debian release, such as bullseye.</param>
    /// <param name="packages">What its root holds beyond minbase (<see cref="DebianRoot"/>).</param>
    /// <param name="machine">The container's name (nspawn's --machine), also its host name; null for the root folder's.</param>
    /// <param name="architecture">Debian's name of another processor (arm64), whose root boots under qemu-user; null for this machine's.</param>
    /// <param name="nspawnArguments">More options for systemd-nspawn (<see cref="EmulatedSystemd.NspawnArguments"/>).</param>
    internal SystemdContainer(string release, string packages, string? machine, string? architecture = null, IReadOnlyList<string>? nspawnArguments = null)
    {
        _release = release;
        _packages = packages;
        _machine = machine;
        _architecture = architecture;
        _nspawnArguments = nspawnArguments ?? [];
    }

    /// <summary>
    /// Where the root is kept between runs: named for its release and packages, so a change to either makes a new one.
    /// </summary>
    public static string CachedRoot { get; } = DebianRoot.PathOf(Release, Packages);

    /// <summary>The container's init (systemd), whose namespaces <c>nsenter</c> enters.</summary>
    public int InitPid { get; private set; }

    /// <summary>Why this machine cannot boot a container, or null when it can.</summary>
    public static string? WhyNot()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "systemd-nspawn needs Linux";
        }

        if (Environment.UserName != "root")
        {
            return "systemd-nspawn and nsenter need root; run the tests as root (CI does)";
        }

        foreach (var (program, package) in new[] { ("systemd-nspawn", "systemd-container"), ("debootstrap", "debootstrap"), ("nsenter", "util-linux") })
        {
            if (!OnPath(program))
            {
                return $"{program} is not installed; install it with: sudo apt-get install {package}";
            }
        }

        return null;
    }

    public async Task InitializeAsync()
    {
        if (WhyNot() is not null)
        {
            return; // the tests skip themselves with the reason
        }

        string root = await DebianRoot.EnsureAsync(_release, _packages, _architecture);
        _cgroup = ContainerCgroup.Create();
        var command = _cgroup.Wrap(
        [
            "systemd-nspawn", "--directory", root, "--volatile=overlay", "--private-network", "--register=no", "--keep-unit",
            .. _machine is null ? Array.Empty<string>() : ["--machine", _machine],
            .. _nspawnArguments,
            "--quiet", "--boot",
        ]);
        _nspawn = Process.Start(new ProcessStartInfo(command[0], command.Skip(1))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        })!;
        // The console's output is not needed, but must be read so the container never blocks on it.
        _ = _nspawn.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        _ = _nspawn.StandardError.BaseStream.CopyToAsync(Stream.Null);

        // nspawn's first child sets the container up, then starts init (systemd) as the next one.
        await Poll.UntilAsync(() => Task.FromResult(FindInit() is int pid && ProcessName(pid) == "systemd"), BootTimeout, "the container's init to start");
        InitPid = FindInit()!.Value;
        // "degraded" means some unit of the image failed (none has here); the tests check what they need themselves.
        await Poll.UntilAsync(async () =>
            (await RunAsync(["systemctl", "is-system-running"], check: false)).Output.Trim() is "running" or "degraded",
            BootTimeout, "the container's boot to finish");
        if (_machine is not null)
        {
            // systemd set the name in the root's /etc/hostname over nspawn's: that of the machine debootstrap ran on.
            await RunAsync(["sh", "-c", $"echo {_machine} > /etc/hostname && hostname {_machine}"]);
        }

        // The tests read what the server logged from the journal, and a load test logs thousands of
        // requests a second: journald's default rate limit (10,000 lines per 30 s per service) would
        // drop the lines the next test looks for.
        await RunAsync(["sh", "-c", "mkdir -p /etc/systemd/journald.conf.d && printf '[Journal]\\nRateLimitBurst=0\\n' > /etc/systemd/journald.conf.d/tests.conf && systemctl restart systemd-journald"]);
    }

    /// <summary>Runs a command inside the container, in all its namespaces, as root.</summary>
    /// <param name="command">The program and its arguments.</param>
    /// <param name="check">Fail the test on a non-zero exit.</param>
    /// <param name="input">Bytes fed to the command's standard input.</param>
    public async Task<CommandRun> RunAsync(IReadOnlyList<string> command, bool check = true, Stream? input = null)
    {
        var run = await CommandRun.RunAsync([.. Enter, "env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", .. command], input: input);
        return check ? run.AssertSucceeded() : run;
    }

    /// <summary>The prefix that runs a host program in the container's network namespace only: its loopback, the host's files.</summary>
    public IReadOnlyList<string> InNetwork => ["nsenter", "--target", InitPid.ToString(CultureInfo.InvariantCulture), "--net"];

    /// <summary>Copies a host file into the container (through its mount namespace), with the given mode and owner.</summary>
    public async Task CopyInAsync(string hostFile, string containerPath, string mode = "0644", string owner = "root:root")
    {
        string folder = Path.GetDirectoryName(containerPath)!;
        await using var file = File.OpenRead(hostFile);
        await RunAsync(["sh", "-c", $"mkdir -p '{folder}' && cat > '{containerPath}' && chmod {mode} '{containerPath}' && chown {owner} '{containerPath}'"], input: file);
    }

    public async Task DisposeAsync()
    {
        if (_nspawn is null)
        {
            return;
        }

        // SIGTERM makes systemd-nspawn power the container off in order. (Process.Kill would send
        // SIGKILL, which ends nspawn alone: with --register=no and --keep-unit nothing else stops the
        // container, and its init and services would outlive the tests.)
        Signals.Send(_nspawn.Id, Signals.Terminate);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _nspawn.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Killing a PID namespace's init kills every process in it. (Not before init was found:
            // pid 0 would mean this process's own group.)
            if (InitPid > 0)
            {
                Signals.Send(InitPid, Signals.Kill);
            }

            _nspawn.Kill(entireProcessTree: true);
        }

        _nspawn.Dispose();
        _cgroup?.Delete();
    }

    private IReadOnlyList<string> Enter => ["nsenter", "--target", InitPid.ToString(CultureInfo.InvariantCulture), "--all"];

    /// <summary>The container's init: the one child of systemd-nspawn.</summary>
    private int? FindInit()
    {
        string children = $"/proc/{_nspawn!.Id}/task/{_nspawn.Id}/children";
        if (!File.Exists(children))
        {
            return null;
        }

        string text = File.ReadAllText(children).Trim();
        return text.Length == 0 ? null : int.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static string? ProcessName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null; // it has just ended
        }
    }

    /// <summary>True when the program is in a folder of PATH.</summary>
    internal static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, program)));
}
