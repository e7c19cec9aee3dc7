using System.Net;
using System.Net.Sockets;
using AppHost.Contract;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;

namespace AppHost.Running;

/// <summary>Starts the server, turning a listener that cannot be opened into a one-line error naming the option to change.</summary>
internal static class ServerStart
{
    /// <param name="app">The built app.</param>
    /// <param name="host">--host: the address of every listener, or null for all.</param>
    /// <param name="port">--port.</param>
    /// <param name="httpPort">--http-port, or null when there is no redirect listener.</param>
    public static async Task StartListeningAsync(this WebApplication app, IPAddress? host, int port, int? httpPort)
    {
        try
        {
            await app.StartAsync();
        }
        catch (Exception e) when (Find<AddressInUseException>(e) is not null || FindSocketError(e) == SocketError.AddressAlreadyInUse)
        {
            // Kestrel's error does not say which listener failed in a form meant for code; a port
            // that cannot be bound now, once Kestrel has let go of the others, is the one in use.
            var (option, taken) = httpPort is int http and not 0 && CanBind(host, port) && !CanBind(host, http)
                ? (OptionNames.HttpPort, http)
                : (OptionNames.Port, port);
            throw new StartupException($"port {taken} is already in use ({Where(host, taken)}); stop the other server or choose another port with {option}", e);
        }
        catch (Exception e) when (FindSocketError(e) == SocketError.AddressNotAvailable)
        {
            throw new StartupException($"address {host} is not on this machine; give {OptionNames.Host} one of its addresses, or leave {OptionNames.Host} out to listen on all", e);
        }
        catch (Exception e) when (FindSocketError(e) == SocketError.AccessDenied)
        {
            throw new StartupException($"not allowed to listen on port {port} ({Where(host, port)}); use a port above 1023, or grant CAP_NET_BIND_SERVICE", e);
        }
        catch (IOException e)
        {
            throw new StartupException($"cannot listen on {Where(host, port)}: {e.Message}", e);
        }
    }

    private static string Where(IPAddress? host, int port) => $"{(host is null ? "every interface" : host.ToString())}, port {port}";

    // Binds as Kestrel would (every interface: IPv6 with IPv4 mapped), without SO_REUSEADDR, so any socket on the port counts.
    private static bool CanBind(IPAddress? host, int port)
    {
        var address = host ?? IPAddress.IPv6Any;
        try
        {
            using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            if (host is null)
            {
                probe.DualMode = true;
            }

            probe.Bind(new IPEndPoint(address, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static SocketError? FindSocketError(Exception e) => Find<SocketException>(e)?.SocketErrorCode;

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}
