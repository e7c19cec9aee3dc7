using AppHost.Systemd;

namespace AppHost;

/// <summary>
/// What systemd (or another service manager speaking its protocols) handed this process: the
/// listening sockets it holds across restarts (sd_listen_fds) and its notification socket
/// (sd_notify). Outside systemd both are absent and the server binds its own ports.
/// </summary>
public sealed class ServiceManager : IDisposable
{
    internal ServiceManager(IReadOnlyList<InheritedSocket> sockets, SystemdNotifier? notifier)
    {
        Sockets = sockets;
        Notifier = notifier;
    }

    /// <summary>The listening sockets passed in; empty when the process was not socket-activated.</summary>
    internal IReadOnlyList<InheritedSocket> Sockets { get; }

    /// <summary>The notification socket, or null when nothing listens (NOTIFY_SOCKET unset).</summary>
    internal SystemdNotifier? Notifier { get; }

    /// <summary>
    /// Takes the sockets and the notification socket announced by LISTEN_PID, LISTEN_FDS,
    /// LISTEN_FDNAMES and NOTIFY_SOCKET, and removes those variables so a program this server
    /// starts does not believe they are its own.
    /// </summary>
    /// <returns>What was handed over; possibly nothing.</returns>
    public static ServiceManager FromEnvironment() => new(SocketActivation.Take(), SystemdNotifier.FromEnvironment());

    /// <summary>Closes the notification socket.</summary>
    public void Dispose() => Notifier?.Dispose();
}
