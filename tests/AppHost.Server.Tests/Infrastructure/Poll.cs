using System.Net;
using System.Net.Sockets;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>Waits for a condition by checking it again and again until a deadline, never by sleeping a guessed time.</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds} s");
            }

            // Yield between checks so the polled process gets the CPU; this is pacing, not synchronisation.
            await Task.Delay(10);
        }
    }

    /// <summary>True when a TCP connection to the loopback port is accepted.</summary>
    public static async Task<bool> CanConnectAsync(int port)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
