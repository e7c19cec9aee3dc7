using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace AppHost.Systemd;

/// <summary>
/// sd_notify(3): tells the supervisor the server is ready (so a Type=notify unit counts as started
/// only once it listens), that it is stopping, what it is doing, and that it is alive (the
/// watchdog). Does nothing when NOTIFY_SOCKET is not set.
/// </summary>
internal sealed class SystemdNotifier : IDisposable
{
    private readonly Socket _socket;
    private readonly UnixDomainSocketEndPoint _endpoint;
    private Timer? _watchdog;

    private SystemdNotifier(Socket socket, UnixDomainSocketEndPoint endpoint)
    {
        _socket = socket;
        _endpoint = endpoint;
    }

    /// <returns>A notifier, or null when no supervisor listens (NOTIFY_SOCKET unset).</returns>
    public static SystemdNotifier? FromEnvironment()
    {
        string? path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        Environment.SetEnvironmentVariable("NOTIFY_SOCKET", null);
        if (string.IsNullOrEmpty(path) || OperatingSystem.IsWindows())
        {
            return null;
        }

        // A leading '@' names a socket in Linux's abstract namespace, written with a NUL byte.
        var endpoint = new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path[1..] : path);
        return new SystemdNotifier(new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified), endpoint);
    }

    /// <summary>READY=1 with a status line, and the watchdog's heartbeat when the unit asks for one.</summary>
    public void Ready(string status)
    {
        Send($"READY=1\nSTATUS={status}");
        StartWatchdog();
    }

    public void Stopping(string status) => Send($"STOPPING=1\nSTATUS={status}");

    public void Status(string status) => Send($"STATUS={status}");

    public void Dispose()
    {
        _watchdog?.Dispose();
        _socket.Dispose();
    }

    private void StartWatchdog()
    {
        string? microseconds = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        string? pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (!long.TryParse(microseconds, NumberStyles.None, CultureInfo.InvariantCulture, out long usec) || usec <= 0
            || (pid is not null && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture)))
        {
            return;
        }

        // Half the deadline, as sd_watchdog_enabled(3) advises: one late beat is not yet a missed deadline.
        var interval = TimeSpan.FromMicroseconds(usec / 2);
        _watchdog = new Timer(_ => Send("WATCHDOG=1"), null, TimeSpan.Zero, interval);
    }

    private void Send(string message)
    {
        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(message), _endpoint);
        }
        catch (SocketException)
        {
            // The supervisor went away; the server keeps serving, as sd_notify(3) callers do.
        }
    }
}
