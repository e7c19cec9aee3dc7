using System.Runtime.InteropServices;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>Sends a POSIX signal to a process the tests started (.NET's Process.Kill only ever sends SIGKILL).</summary>
internal static class Signals
{
    public const int Interrupt = 2; // SIGINT
    public const int Kill = 9; // SIGKILL
    public const int Terminate = 15; // SIGTERM

    /// <returns>Whether the signal was delivered (false when the process has already gone).</returns>
    public static bool Send(int pid, int signal) => SendSignal(pid, signal) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
