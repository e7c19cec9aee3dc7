using System.Globalization;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// A cgroup of its own for one booted container. With <c>--keep-unit</c> and <c>--register=no</c>,
/// systemd-nspawn puts the container's init in a "payload" cgroup below its own, so all the containers
/// this test process started shared one, and each container's systemd managed the others' unit
/// cgroups as its own. Seen on CI and here with three hosts booting at once: systemd-user-sessions
/// failed with 219/CGROUP in one of them, and pam_nologin then kept its sudo user out. Stopping a unit
/// in one container could as well have stopped the same unit's processes in another. Each nspawn now
/// starts in a cgroup of its own, in every hierarchy systemd uses: the unified one (cgroup v2) and,
/// on a machine that also mounts the v1 controllers, the named "systemd" one.
/// </summary>
internal sealed class ContainerCgroup
{
    private static int _created;

    // The cgroup's folder in each hierarchy.
    private readonly IReadOnlyList<string> _folders;

    private ContainerCgroup(IReadOnlyList<string> folders) => _folders = folders;

    /// <summary>Makes the cgroup, beside this process's own in each hierarchy, named for this process and a count.</summary>
    public static ContainerCgroup Create()
    {
        string name = string.Create(CultureInfo.InvariantCulture, $"apphost-tests-{Environment.ProcessId}-{Interlocked.Increment(ref _created)}");
        var folders = new List<string>();
        foreach (var (mountPoint, ownPath) in Hierarchies())
        {
            string folder = Path.Join(mountPoint, ownPath, name);
            Directory.CreateDirectory(folder);
            folders.Add(folder);
        }

        return new ContainerCgroup(folders);
    }

    /// <summary><paramref name="command"/>, run by a shell that first moves itself into the cgroup and then execs it (same pid).</summary>
    public IReadOnlyList<string> Wrap(IReadOnlyList<string> command) =>
        _folders.Count == 0
            ? command
            : ["sh", "-c", string.Join(" && ", _folders.Select(folder => $"echo $$ > '{folder}/cgroup.procs'")) + " && exec \"$@\"", "sh", .. command];

    /// <summary>
    /// Removes the cgroup and what the container's systemd made below it, deepest first; a cgroup is
    /// removed with rmdir once it holds no process. Called after the container is gone; one still
    /// busy is left to the next reboot rather than failing the test that is tearing down.
    /// </summary>
    public void Delete()
    {
        foreach (string folder in _folders)
        {
            if (!Directory.Exists(folder))
            {
                continue;
            }

            var deepestFirst = Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories)
                .OrderByDescending(path => path.Length).Append(folder);
            foreach (string cgroup in deepestFirst)
            {
                try
                {
                    Directory.Delete(cgroup, recursive: false);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    /// <summary>
    /// Each hierarchy systemd uses, as where it is mounted and this process's cgroup in it: the
    /// cgroup2 mount, and a cgroup v1 mount named "systemd" if there is one (a hybrid machine).
    /// </summary>
    private static IEnumerable<(string MountPoint, string OwnPath)> Hierarchies()
    {
        // /proc/self/cgroup: "0::/path" for cgroup v2, "N:name=systemd:/path" for the named v1 hierarchy.
        var ownPaths = File.ReadAllLines("/proc/self/cgroup")
            .Select(line => line.Split(':', 3))
            .ToDictionary(fields => fields[1], fields => fields[2].TrimStart('/'));
        foreach (string line in File.ReadAllLines("/proc/self/mountinfo"))
        {
            // "... mount-point options [optional fields] - fstype source super-options"
            string[] fields = line.Split(' ');
            int separator = Array.IndexOf(fields, "-");
            string mountPoint = fields[4], type = fields[separator + 1], superOptions = fields[separator + 3];
            string? key = type switch
            {
                "cgroup2" => "",
                "cgroup" when superOptions.Split(',').Contains("name=systemd") => "name=systemd",
                _ => null,
            };
            if (key is not null && ownPaths.TryGetValue(key, out string? ownPath))
            {
                yield return (mountPoint, ownPath);
            }
        }
    }
}
