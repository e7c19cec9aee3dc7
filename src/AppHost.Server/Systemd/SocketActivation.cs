using System.Globalization;
using System.Runtime.InteropServices;

namespace AppHost.Systemd;

/// <summary>
/// systemd socket activation: when systemd (or systemd-socket-activate) holds the listening
/// sockets and passes them in, the server serves on those instead of binding its own. New
/// connections then wait in the kernel's queue while the server restarts, so none is refused.
/// </summary>
/// <remarks>The protocol is sd_listen_fds(3): LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES.</remarks>
internal static class SocketActivation
{
    // Passed descriptors start right after stdin, stdout and stderr.
    private const int FirstDescriptor = 3;
    private const int SetDescriptorFlags = 2; // F_SETFD
    private const int CloseOnExec = 1; // FD_CLOEXEC

    /// <summary>
    /// Takes the sockets passed to this process, if any, and removes the variables that announced
    /// them, so a program this server starts does not believe they are its own.
    /// </summary>
    /// <returns>The sockets, or an empty list when the process was not socket-activated.</returns>
    public static IReadOnlyList<InheritedSocket> Take()
    {
        string? pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        string? count = Environment.GetEnvironmentVariable("LISTEN_FDS");
        string[] names = (Environment.GetEnvironmentVariable("LISTEN_FDNAMES") ?? "").Split(':');
        Environment.SetEnvironmentVariable("LISTEN_PID", null);
        Environment.SetEnvironmentVariable("LISTEN_FDS", null);
        Environment.SetEnvironmentVariable("LISTEN_FDNAMES", null);

        // The variables are meant for one process only: a child that inherited them is not that one.
        if (!OperatingSystem.IsLinux() || pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture)
            || !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int sockets))
        {
            return [];
        }

        var inherited = new List<InheritedSocket>(sockets);
        for (int i = 0; i < sockets; i++)
        {
            int descriptor = FirstDescriptor + i;
            // Inherited descriptors are open across exec until told otherwise; a program this server starts must not hold its sockets.
            _ = SetFlags(descriptor, SetDescriptorFlags, CloseOnExec);
            inherited.Add(new InheritedSocket(descriptor, i < names.Length ? names[i] : ""));
        }

        return inherited;
    }

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int SetFlags(int descriptor, int command, int flags);
}
