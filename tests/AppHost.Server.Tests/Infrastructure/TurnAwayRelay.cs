using System.Net;
using System.Net.Sockets;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// A TCP port on loopback that closes its first connections as soon as it accepts them, as sshd does
/// to new connections past its MaxStartups, and relays the later ones to a real server.
/// </summary>
public sealed class TurnAwayRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly int _turnAway;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _accepted;

    /// <param name="target">Where the connections after the first <paramref name="turnAway"/> go.</param>
    /// <param name="turnAway">How many connections are closed unanswered; int.MaxValue for all.</param>
    public TurnAwayRelay(IPEndPoint target, int turnAway)
    {
        _target = target;
        _turnAway = turnAway;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far, turned away or relayed.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var relays = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                if (Interlocked.Increment(ref _accepted) <= _turnAway)
                {
                    client.Dispose();
                    continue;
                }

                relays.Add(RelayAsync(client));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Disposed: no more connections.
        }

        await Task.WhenAll(relays);
    }

    private async Task RelayAsync(Socket client)
    {
        using (client)
        using (var server = new Socket(_target.AddressFamily, SocketType.Stream, ProtocolType.Tcp))
        {
            try
            {
                await server.ConnectAsync(_target, _stop.Token);
                using var clientStream = new NetworkStream(client);
                using var serverStream = new NetworkStream(server);
                // Either side closing ends the relay, and disposing the sockets ends the other copy.
                await Task.WhenAny(clientStream.CopyToAsync(serverStream, _stop.Token), serverStream.CopyToAsync(clientStream, _stop.Token));
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
            {
                // The relay was stopped, or a side went away.
            }
        }
    }
}
