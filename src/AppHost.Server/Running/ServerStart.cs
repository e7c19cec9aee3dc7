using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;

namespace AppHost.Running;

/// <summary>Starts the server, turning a listener that cannot be opened into a one-line error naming the fix.</summary>
internal static class ServerStart
{
    public static async Task StartListeningAsync(this WebApplication app, IPAddress? host, int port)
    {
        string where = $"{(host is null ? "every interface" : host.ToString())}, port {port}";
        try
        {
            await app.StartAsync();
        }
        catch (Exception e) when (Find<AddressInUseException>(e) is not null || FindSocketError(e) == SocketError.AddressAlreadyInUse)
        {
            throw new StartupException($"port {port} is already in use ({where}); stop the other server or choose another port with --port", e);
        }
        catch (Exception e) when (FindSocketError(e) == SocketError.AddressNotAvailable)
        {
            throw new StartupException($"address {host} is not on this machine; give --host one of its addresses, or leave --host out to listen on all", e);
        }
        catch (Exception e) when (FindSocketError(e) == SocketError.AccessDenied)
        {
            throw new StartupException($"not allowed to listen on port {port} ({where}); use a port above 1023, or grant CAP_NET_BIND_SERVICE", e);
        }
        catch (IOException e)
        {
            throw new StartupException($"cannot listen on {where}: {e.Message}", e);
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
