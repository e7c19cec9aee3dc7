using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// A Debian root file system made once with <c>debootstrap --variant=minbase</c> and kept between
/// runs, named for its release and packages so a change to either makes a new one. It is made in a
/// temporary folder and renamed into place when complete, so a killed run leaves no half root behind.
/// Tests never write into it: they see it through an overlay or a container's volatile overlay.
/// </summary>
public static class DebianRoot
{
    // debootstrap fetches and unpacks up to about 120 packages: two minutes here (three for arm64, whose
    // package scripts run under qemu-user), ten at most on a slow mirror.
    private static readonly TimeSpan DebootstrapTimeout = TimeSpan.FromMinutes(10);

    // One making per root in this process: tests of classes run in parallel share roots (the systemd
    // tests' and the deploy tests' hosts), and ask for them at the same moment. A failed making stays
    // failed for the run: trying again would likely take another ten minutes to fail the same way.
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Makings = new();

    /// <summary>Where the root of this release with these packages is kept.</summary>
    /// <param name="release">The Debian release, such as bookworm.</param>
    /// <param name="packages">What debootstrap includes beyond minbase, comma-separated.</param>
    /// <param name="architecture">Debian's name of another processor than this machine's (arm64), or null for this machine's.</param>
    public static string PathOf(string release, string packages, string? architecture = null) => Path.Combine(
        Environment.GetEnvironmentVariable("APPHOST_TEST_CACHE") ?? "/var/cache/apphost-tests",
        $"{release}-{(architecture is null ? "" : architecture + "-")}{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(packages)))[..12]}");

    /// <summary>Makes the root unless it is kept already.</summary>
    /// <param name="architecture">
    /// Another processor's (arm64): debootstrap runs its package scripts under qemu-user, so the kernel
    /// must run that processor's programs first (<see cref="QemuUser.EnsureRegisteredAsync"/>).
    /// </param>
    /// <returns>Its path.</returns>
    public static Task<string> EnsureAsync(string release, string packages, string? architecture = null) =>
        Makings.GetOrAdd(PathOf(release, packages, architecture), root => new(() => MakeAsync(root, release, packages, architecture))).Value;

    private static async Task<string> MakeAsync(string root, string release, string packages, string? architecture)
    {
        if (Directory.Exists(root))
        {
            return root;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(root)!);
        string making = $"{root}.making-{Environment.ProcessId}";
        try
        {
            (await CommandRun.RunAsync(["debootstrap", .. architecture is null ? Array.Empty<string>() : [$"--arch={architecture}"], "--variant=minbase", $"--include={packages}",
                    release, making, "http://deb.debian.org/debian"],
                timeout: DebootstrapTimeout)).AssertSucceeded();
            Directory.Move(making, root);
        }
        catch (IOException) when (Directory.Exists(root))
        {
            // Another test process (another worktree's run) made it first; this copy goes below.
        }
        finally
        {
            if (Directory.Exists(making))
            {
                await CommandRun.RunAsync(["rm", "-rf", "--one-file-system", making]);
            }
        }

        return root;
    }
}
