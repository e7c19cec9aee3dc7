using System.Runtime.InteropServices;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// Debian 11 (glibc 2.31, OpenSSL 1.1), an older system than this machine, to run native files in:
/// the root is made once (<see cref="DebianRoot"/>) and each run sees it through a throw-away overlay
/// in a mount namespace of its own, with /proc and /dev, entered with chroot.
/// </summary>
public static class OldGlibcRoot
{
    internal const string Release = "bullseye";

    /// <summary>
    /// OpenSSL 1.1 and CA certificates for the native file run here; systemd, sshd and sudo for the
    /// deploy tests' Debian 11 host (<see cref="SshHost"/>), which boots this same root: one root
    /// for both saves a debootstrap on CI, and a chroot never starts what it does not run.
    /// </summary>
    internal const string Packages = "libssl1.1,ca-certificates,systemd,systemd-sysv,dbus,procps,openssh-server,sudo";

    // Runs in a new mount namespace (unshare), so every mount ends with the process: a tmpfs on /mnt
    // holds the overlay's upper layer, the files are copied in, and the app replaces the shell. This
    // machine's /tmp is the root's too, so the app's ready file (--ready-file) is where the test looks.
    // Arguments: ROOT CERT KEY APP [APP OPTIONS...]
    private const string Script = """
        set -e
        root=$1 cert=$2 key=$3 app=$4
        shift 4
        mount -t tmpfs tmpfs /mnt
        mkdir /mnt/upper /mnt/work /mnt/root
        mount -t overlay overlay -o "lowerdir=$root,upperdir=/mnt/upper,workdir=/mnt/work" /mnt/root
        mount -t proc proc /mnt/root/proc
        mount --bind /dev /mnt/root/dev
        mount --bind /tmp /mnt/root/tmp
        cp "$app" /mnt/root/app
        cp "$cert" /mnt/root/cert.pem
        cp "$key" /mnt/root/key.pem
        exec chroot /mnt/root /app "$@"
        """;

    /// <summary>The options that point the app at the certificate copied into the root.</summary>
    public static readonly string[] CertificateOptions = ["--cert", "/cert.pem", "--key", "/key.pem"];

    /// <summary>Why this machine cannot run it, or null when it can.</summary>
    public static string? WhyNot() =>
        !OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64 ? "the Debian 11 root is for linux-x64 machines"
        : Environment.UserName != "root" ? "mounts and chroot need root; run the tests as root (CI does)"
        : !File.Exists("/usr/sbin/debootstrap") ? "debootstrap is not installed; install it with: sudo apt-get install debootstrap"
        : null;

    /// <summary>The launcher that runs a native file inside the root: what <see cref="AppHost.Testing.AppProcess"/> puts before the file.</summary>
    /// <param name="certificates">Copied into the root for <see cref="CertificateOptions"/>.</param>
    public static async Task<IReadOnlyList<string>> LauncherAsync(TestCertificates certificates)
    {
        string root = await DebianRoot.EnsureAsync(Release, Packages);
        return ["unshare", "--mount", "sh", "-c", Script, "sh", root, certificates.CertificatePem, certificates.KeyPem];
    }
}
