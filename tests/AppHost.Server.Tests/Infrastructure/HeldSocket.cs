using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// A listening socket the test holds across restarts of the app, as systemd holds a .socket
/// unit's: each app started through <see cref="Launcher"/> gets it as descriptor 3 with
/// LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES set as systemd sets them.
/// </summary>
public sealed class HeldSocket : IDisposable
{
    private const int SetDescriptorFlags = 2; // F_SETFD
    private const int CloseOnExec = 1; // FD_CLOEXEC

    // bash (dash takes single-digit descriptors only) moves the socket to descriptor 3, then execs the app in its own process, so $$ is the
    // app's process id, as LISTEN_PID must be.
    private const string Script =
        "if [ \"$HELD_FD\" != 3 ]; then eval \"exec 3<&$HELD_FD $HELD_FD<&-\"; fi; " +
        "LISTEN_PID=$$ LISTEN_FDS=1 LISTEN_FDNAMES=$HELD_NAME exec \"$@\"";

    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly Lock _spawning = new();

    /// <param name="name">The socket's name, as FileDescriptorName= gives it.</param>
    public HeldSocket(string name = "https")
    {
        Name = name;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        // The kernel queues connections here while no app accepts them: that is what makes a restart lose nothing.
        _listener.Listen(512);
    }

    public string Name { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public IReadOnlyList<string> Launcher => ["bash", "-c", Script, "bash"];

    /// <summary>Starts the app with the socket handed over; only this child inherits it.</summary>
    public async Task<RunningApp> StartAppAsync(params string[] args)
    {
        int descriptor = (int)_listener.SafeHandle.DangerousGetHandle();
        var environment = new Dictionary<string, string>
        {
            ["HELD_FD"] = descriptor.ToString(CultureInfo.InvariantCulture),
            ["HELD_NAME"] = Name,
        };
        string readyFile = RunningApp.NewReadyFile();
        AppProcess process;
        lock (_spawning)
        {
            // Inheritable just for the moment of this start.
            _ = SetFlags(descriptor, SetDescriptorFlags, 0);
            try
            {
                process = SampleApp.Start([.. args, "--ready-file", readyFile], environment, launcher: Launcher);
            }
            finally
            {
                _ = SetFlags(descriptor, SetDescriptorFlags, CloseOnExec);
            }
        }

        return await RunningApp.AttachAsync(process, readyFile);
    }

    public void Dispose() => _listener.Dispose();

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int SetFlags(int descriptor, int command, int flags);
}
