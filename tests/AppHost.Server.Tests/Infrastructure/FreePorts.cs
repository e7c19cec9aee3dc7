using System.Net;
using System.Net.Sockets;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// Ports for listeners a test must name before they start (systemd-socket-activate, --http-port,
/// Pebble). They come from outside the kernel's ephemeral range, the range it draws from for every
/// bind to port 0 and every outgoing connection. A port taken from inside it and let go can be
/// drawn again before the test's server binds it: CI once saw an in-process server's --http-port
/// refused with "address already in use" while the other tests ran.
/// </summary>
public static class FreePorts
{
    // The first port that needs no privilege to bind, and the last there is.
    private const int FirstUnprivileged = 1024;
    private const int Last = 65535;

    private static readonly (int First, int Count) Block = OutsideEphemeralRange();

    // Each test process starts at its own place in the block, so that runs close together do not
    // walk the same numbers; within the process each port is handed out once.
    private static int _taken = Environment.ProcessId % Block.Count;

    /// <summary>The next port of the block that a loopback listener can bind at this moment.</summary>
    public static int Take()
    {
        for (int tries = 0; tries < Block.Count; tries++)
        {
            int port = Block.First + (int)((uint)Interlocked.Increment(ref _taken) % (uint)Block.Count);
            if (CanBind(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"no loopback port from {Block.First} to {Block.First + Block.Count - 1} is free");
    }

    private static bool CanBind(int port)
    {
        using var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The larger stretch of unprivileged ports below or above ip_local_port_range.</summary>
    private static (int First, int Count) OutsideEphemeralRange()
    {
        string[] range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
            .Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        int low = int.Parse(range[0]), high = int.Parse(range[1]);
        int below = low - FirstUnprivileged, above = Last - high;
        return below >= above ? (FirstUnprivileged, below) : (high + 1, above);
    }
}
