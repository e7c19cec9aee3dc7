using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// One machine playing several hosts: a connection from a chosen loopback address (127.0.0.2 as a
/// balancer, 127.0.0.5 as a client), and the client address the server's request log gave a request.
/// </summary>
public static class LoopbackPeer
{
    /// <summary>Connects to <paramref name="to"/> from the loopback address <paramref name="from"/>.</summary>
    public static async Task<Socket> ConnectAsync(IPAddress from, IPEndPoint to, CancellationToken cancel = default)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(from, 0));
            await socket.ConnectAsync(to, cancel);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// An HTTPS client for https://localhost:PORT/ whose every connection goes from <paramref name="from"/>
    /// to <paramref name="to"/>, starts with <paramref name="preamble"/> (a PROXY header, as a balancer
    /// sends it), and trusts exactly <paramref name="trusted"/>; it speaks exactly <paramref name="version"/>.
    /// </summary>
    public static HttpClient HttpsClient(IPAddress from, IPEndPoint to, X509Certificate2 trusted, Version version, TimeSpan timeout, byte[]? preamble = null)
    {
        var handler = Handler(from, to, preamble);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == trusted.GetCertHashString();
        return Client(handler, Uri.UriSchemeHttps, to, version, timeout);
    }

    /// <summary>
    /// A plain HTTP/1.1 client for http://localhost:PORT/ whose every connection goes from
    /// <paramref name="from"/> to <paramref name="to"/>.
    /// </summary>
    public static HttpClient HttpClient(IPAddress from, IPEndPoint to, TimeSpan timeout) =>
        Client(Handler(from, to, preamble: null), Uri.UriSchemeHttp, to, HttpVersion.Version11, timeout);

    /// <summary>Whether something listens at <paramref name="endpoint"/>: a balancer the test started, once it is up.</summary>
    public static async Task<bool> CanConnectAsync(IPEndPoint endpoint)
    {
        try
        {
            using var probe = await ConnectAsync(IPAddress.Loopback, endpoint);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The client the request log names for the request to <paramref name="path"/> (a path no other request uses).</summary>
    public static async Task<string> LoggedClientAsync(RunningApp app, string path, TimeSpan timeout)
    {
        string line = await app.Process.WaitForOutputAsync(l => l.Contains($"\"Path\":\"{path}\"", StringComparison.Ordinal), timeout);
        return JsonDocument.Parse(line).RootElement.GetProperty("Client").GetString()!;
    }

    // Neither client follows redirects: a test sees each 308, and a redirect loop shows as one.
    private static SocketsHttpHandler Handler(IPAddress from, IPEndPoint to, byte[]? preamble) => new()
    {
        AllowAutoRedirect = false,
        ConnectCallback = async (_, cancel) =>
        {
            var stream = new NetworkStream(await ConnectAsync(from, to, cancel), ownsSocket: true);
            await stream.WriteAsync(preamble ?? [], cancel);
            return stream;
        },
    };

    private static HttpClient Client(SocketsHttpHandler handler, string scheme, IPEndPoint to, Version version, TimeSpan timeout) => new(handler)
    {
        BaseAddress = new Uri($"{scheme}://localhost:{to.Port}"),
        DefaultRequestVersion = version,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = timeout,
    };
}
