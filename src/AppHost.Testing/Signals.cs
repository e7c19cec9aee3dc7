using System.Runtime.InteropServices;

namespace AppHost.Testing;

/// <summary>
/// Sends a POSIX signal to a process (.NET's Process.Kill only ever sends SIGKILL). The one libc
/// <c>kill</c> import of the repository: <see cref="AppProcess.Signal"/> and this repository's tests use it.
/// </summary>
internal static class Signals
{
    public const int Hangup = 1; // SIGHUP
    public const int Interrupt = 2; // SIGINT
    public const int Kill = 9; // SIGKILL
    public const int Terminate = 15; // SIGTERM

    /// <returns>Whether the signal was delivered (false when the process has already gone; errno says why).</returns>
    public static bool Send(int pid, int signal) => SendSignal(pid, signal) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
