namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// A test that runs an image with <c>podman run</c>: skipped, with podman's own words, where podman
/// cannot run any container on this machine (on the test machines: "crun: setrlimit `RLIMIT_NOFILE`:
/// Operation not permitted", even with --ulimit host), found by running this machine's own root.
/// </summary>
public sealed class PodmanRunFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Reason = new(Probe);

    public PodmanRunFactAttribute()
    {
        Skip = Reason.Value;
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/podman"))
        {
            return "podman is not installed; install it with: sudo apt-get install podman";
        }

        var run = CommandRun.RunAsync(["podman", "run", "--rm", "--rootfs", "/", "/bin/true"]).GetAwaiter().GetResult();
        return run.ExitCode == 0 ? null : $"podman cannot run any container on this machine (podman run --rootfs / /bin/true: {run.Errors.Trim()}); the image runs unpacked instead";
    }
}
