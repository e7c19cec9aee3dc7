using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

/// <summary>What the build scripts ask a server they started on 127.0.0.1: a free port, and a GET on a new connection.</summary>
internal static class LoopbackProbe
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// One HTTP/1.1 GET on a fresh connection, as most clients start (TLS without ALPN when
    /// <paramref name="tls"/>); false while nothing listens or TLS is not served yet. Blocking, so a
    /// timed caller measures the server rather than a thread-pool hop.
    /// </summary>
    public static bool TryGet(int port, bool tls, string path)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Connect(IPAddress.Loopback, port);
            using var plain = new NetworkStream(socket, ownsSocket: false);
            using var secure = tls ? new SslStream(plain, leaveInnerStreamOpen: true, (_, _, _, _) => true) : null;
            secure?.AuthenticateAsClient("localhost");
            Stream stream = secure ?? (Stream)plain;
            stream.Write(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
            var buffer = new byte[512];
            int read = stream.Read(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("HTTP/1.1 200", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return false; // not listening yet, or listening but not yet serving TLS
        }
    }
}
