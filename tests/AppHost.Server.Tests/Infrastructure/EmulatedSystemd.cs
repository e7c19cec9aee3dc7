namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// What an arm64 systemd needs to run services under qemu-user that a real arm64 machine does not,
/// put into its container with systemd-nspawn's own options, so the cached root stays as debootstrap made it.
/// Two things qemu-user cannot do (linux-user/syscall.c says so), and one it does differently:
/// <list type="bullet">
/// <item>clone() into a new namespace (EINVAL), which systemd 252 does to set up LoadCredential=, so
/// every unit with a credential, the deployed app's certificate among them, fails at step CREDENTIALS.
/// A preloaded shim makes such a clone a fork and an unshare() in the child, which qemu passes to the
/// kernel: the same new mount namespace.</item>
/// <item>unshare(CLONE_NEWUSER), which the kernel refuses to a process with threads, and qemu-user
/// always has one of its own: PrivateUsers=yes fails at step USER. A drop-in for every service turns
/// it off there; the x64 hosts run the deployed units with it.</item>
/// <item>signals: see <see cref="NspawnArguments"/>.</item>
/// </list>
/// </summary>
public sealed class EmulatedSystemd : IDisposable
{
    // Where the shim and the drop-in appear inside the container.
    private const string ShimInContainer = "/usr/local/lib/apphost-tests/clone-shim.so";
    private const string DropInInContainer = "/etc/systemd/system/service.d/50-qemu-user.conf";

    // Preloaded into the arm64 systemd. Its syscall() is what systemd's raw_clone() calls; any other
    // system call goes to glibc's. Numbers are aarch64's; no header is needed but the compiler's stdarg.h.
    private const string ShimSource = """
        #include <stdarg.h>
        void *dlsym(void *handle, const char *name);
        #define RTLD_NEXT ((void *)-1l)
        #define NR_CLONE 220
        #define NR_UNSHARE 97
        #define NR_EXIT 93
        #define CLONE_VM 0x100L
        /* CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID and NEWNET */
        #define NAMESPACES 0x7E020000L
        typedef long (*syscall_function)(long, ...);
        long syscall(long number, ...) {
            static syscall_function real;
            if (!real) real = (syscall_function)dlsym(RTLD_NEXT, "syscall");
            va_list list;
            va_start(list, number);
            long a = va_arg(list, long), b = va_arg(list, long), c = va_arg(list, long), d = va_arg(list, long), e = va_arg(list, long), f = va_arg(list, long);
            va_end(list);
            if (number == NR_CLONE && (a & NAMESPACES) && !(a & CLONE_VM)) {
                long pid = real(NR_CLONE, a & ~NAMESPACES, b, c, d, e, f);
                if (pid == 0 && real(NR_UNSHARE, a & NAMESPACES) != 0) real(NR_EXIT, 1);
                return pid;
            }
            return real(number, a, b, c, d, e, f);
        }
        """;

    private readonly TempDirectory _folder = new();

    private EmulatedSystemd()
    {
    }

    /// <summary>systemd-nspawn's options that put the shim and the drop-in into the container and preload the shim into its init.</summary>
    public IReadOnlyList<string> NspawnArguments =>
    [
        $"--bind-ro={Shim}:{ShimInContainer}",
        $"--bind-ro={DropIn}:{DropInInContainer}",
        // The init's own environment only: systemd starts its services with an environment of their own.
        $"--setenv=LD_PRELOAD={ShimInContainer}",
        // qemu-user keeps the host's first two real-time signals for itself and hands the program each
        // other one two lower. nspawn's SIGRTMIN+3 (halt, on the SIGTERM that powers a container off)
        // would reach systemd as SIGRTMIN+1, rescue mode, where it would wait to be killed.
        "--kill-signal=SIGRTMIN+5",
    ];

    private string Shim => Path.Combine(_folder.Path, "clone-shim.so");

    private string DropIn => Path.Combine(_folder.Path, "qemu-user.conf");

    /// <summary>Why this machine cannot build the shim, or null when it can.</summary>
    public static string? WhyNot() =>
        !SystemdContainer.OnPath("clang") ? "clang is not installed; install it with: sudo apt-get install clang"
        : !SystemdContainer.OnPath("ld.lld") ? "lld is not installed; install it with: sudo apt-get install lld"
        : null;

    /// <summary>Builds the shim against the C library of the arm64 root, and writes the drop-in.</summary>
    /// <param name="root">The arm64 root the container boots (<see cref="DebianRoot"/>).</param>
    public static async Task<EmulatedSystemd> CreateAsync(string root)
    {
        var emulated = new EmulatedSystemd();
        try
        {
            string source = Path.Combine(emulated._folder.Path, "clone-shim.c");
            await File.WriteAllTextAsync(source, ShimSource);
            (await CommandRun.RunAsync(["clang", "--target=aarch64-linux-gnu", "-O2", "-shared", "-fPIC", "-nostdlib", "-fuse-ld=lld", "-o", emulated.Shim, source,
                Path.Combine(root, "usr/lib/aarch64-linux-gnu/libc.so.6")])).AssertSucceeded();
            await File.WriteAllTextAsync(emulated.DropIn, "# qemu-user cannot unshare a user namespace (EmulatedSystemd in the tests)\n[Service]\nPrivateUsers=no\n");
            return emulated;
        }
        catch
        {
            emulated.Dispose();
            throw;
        }
    }

    public void Dispose() => _folder.Dispose();
}
