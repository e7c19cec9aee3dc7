using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// An unpacked image run as a container runtime runs it, with no runtime: in mount and PID
/// namespaces of its own (unshare), the root read-only, /proc and /dev mounted, a tmpfs on /run
/// holding the mounted certificates (read-only) and a folder for the ready file, then the
/// entrypoint as the image's user (chroot --userspec) with only the image's environment. The app is
/// PID 1 of its namespace, as in a Kubernetes pod, where no default action handles SIGTERM for it.
/// </summary>
/// <remarks>
/// Not systemd-nspawn: its --user resolves the user by running getent inside the container, and
/// the image has no getent ("Failed to resolve user 65532"). Not podman run or crun: on the test
/// machines they fail for reasons of the machine (see <see cref="PodmanRunFactAttribute"/>).
/// </remarks>
public sealed class ImageContainer : IAsyncDisposable
{
    /// <summary>Where the certificate folder is mounted in the container.</summary>
    public const string Certificates = "/run/certs";

    // Arguments: ROOT CERTS READY, then the command that clears the environment and enters the root.
    private const string Script = """
        set -e
        root=$1 certs=$2 ready=$3
        shift 3
        mount --bind "$root" "$root"
        mount -t proc proc "$root/proc"
        mount --rbind /dev "$root/dev"
        mount -t tmpfs -o mode=755 tmpfs "$root/run"
        mkdir "$root/run/certs" "$root/run/apphost"
        mount --bind "$certs" "$root/run/certs"
        mount -o remount,bind,ro "$root/run/certs"
        mount --bind "$ready" "$root/run/apphost"
        mount -o remount,bind,ro "$root"
        exec "$@"
        """;

    private readonly TempDirectory _ready;

    private ImageContainer(TempDirectory ready, RunningApp app)
    {
        _ready = ready;
        App = app;
    }

    /// <summary>The app, listening; its process is unshare's, which ends with the app's exit code.</summary>
    public RunningApp App { get; }

    /// <summary>Why this machine cannot run it, or null when it can.</summary>
    public static string? WhyNot() =>
        !OperatingSystem.IsLinux() ? "namespaces need Linux"
        : System.Environment.UserName != "root" ? "mounts and chroot need root; run the tests as root (CI does)"
        : new[] { "umoci", "skopeo", "podman" }.FirstOrDefault(tool => Program(tool) is null) is { } missing
            ? $"{missing} is not installed; install it with: sudo apt-get install umoci skopeo podman"
        : null;

    /// <summary>Runs the image's entrypoint with <paramref name="args"/>, on 127.0.0.1, a free port, and waits until it listens.</summary>
    /// <param name="certificates">A host folder mounted read-only at <see cref="Certificates"/>.</param>
    [SupportedOSPlatform("linux")]
    public static async Task<ImageContainer> StartAsync(UnpackedImage image, string certificates, params string[] args)
    {
        var ready = new TempDirectory();
        try
        {
            // The app writes its ready file as the image's user.
            File.SetUnixFileMode(ready.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            (await CommandRun.RunAsync(["chown", image.User, ready.Path])).AssertSucceeded();

            string[] launcher =
            [
                "unshare", "--mount", "--pid", "--fork", "--propagation", "private", "sh", "-c", Script, "sh", image.Root, certificates, ready.Path,
                Program("env")!, "-i", .. image.Environment, Program("chroot")!, $"--userspec={image.User}", image.Root,
            ];
            var process = AppProcess.Start(image.Entrypoint[0],
                [.. image.Entrypoint.Skip(1), "--host", "127.0.0.1", "--port", "0", .. args, "--ready-file", "/run/apphost/ready.json"], launcher: launcher);
            return new ImageContainer(ready, await RunningApp.AttachAsync(process, Path.Combine(ready.Path, "ready.json")));
        }
        catch
        {
            ready.Dispose();
            throw;
        }
    }

    /// <summary>The app's process id on this machine: unshare's one child (the app is PID 1 only inside).</summary>
    public int AppPid => int.Parse(File.ReadAllText($"/proc/{App.Process.Id}/task/{App.Process.Id}/children").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Sends the signal to the app itself; one sent to unshare would end unshare and not the app.</summary>
    public void Signal(PosixSignal signal) => Assert.True(Signals.Send(AppPid, signal == PosixSignal.SIGTERM ? Signals.Terminate : Signals.Hangup));

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        _ready.Dispose();
    }

    private static string? Program(string name) => (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/sbin").Append("/usr/bin")
        .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
