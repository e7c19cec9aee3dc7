using System.Net;
using System.Net.Sockets;
using System.Text;
using AppHost.Metrics.Otlp;

namespace AppHost.Server.Tests.Metrics;

/// <summary>
/// The push's own HTTP/1.1 client, in process, against a peer on a real loopback socket that reads the
/// request byte for byte and answers as the test says: what it sends, and how it reads what comes back.
/// </summary>
public sealed class OtlpPostTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task TheRequestIsAnHttp11PostWithItsHeadersAndAnIPv6HostInBrackets()
    {
        using var listener = Listen(IPAddress.IPv6Loopback);
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var post = new OtlpPost(new Uri($"http://[::1]:{port}/v1/metrics"), "AppHost/1.2.3", [new("Authorization", "Bearer key")]);
        byte[] body = [1, 2, 3, 4, 5];

        var sent = post.SendAsync(body, CancellationToken.None);
        var (head, received, _) = await AnswerAsync(listener, body.Length, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        Assert.Null(await sent.WaitAsync(Deadline));
        Assert.Equal(
            $"POST /v1/metrics HTTP/1.1\r\nHost: [::1]:{port}\r\nUser-Agent: AppHost/1.2.3\r\nContent-Type: application/x-protobuf\r\n"
            + "Connection: close\r\nAuthorization: Bearer key\r\nContent-Length: 5\r\n\r\n",
            head);
        Assert.Equal(body, received);
    }

    [Theory]
    [InlineData("HTTP/1.1 503 Service Unavailable\r\n\r\n", "HTTP 503 Service Unavailable")]
    [InlineData("HTTP/1.1 302 Found\r\nLocation: http://elsewhere.example/\r\n\r\n", "HTTP 302 Found")]
    [InlineData("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 401 Unauthorized\r\n\r\n", "HTTP 401 Unauthorized")]
    [InlineData("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", null)]
    [InlineData("HTTP/1.1 400 \u0007Bad\r\n\r\n", "HTTP 400 Bad")]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n\r\n", "the reply is not HTTP/1.1: the endpoint is not an OTLP/HTTP receiver")]
    [InlineData("HTTP/1.1 200", "the receiver closed the connection before its reply")]
    public async Task TheReplysStatusIsTheOutcome(string reply, string? expected)
    {
        using var listener = Listen(IPAddress.Loopback);
        var post = new OtlpPost(new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/v1/metrics"), "AppHost/1", []);

        var sent = post.SendAsync(new byte[] { 9 }, CancellationToken.None);
        await AnswerAsync(listener, 1, reply);

        Assert.Equal(expected, await sent.WaitAsync(Deadline));
    }

    [Fact]
    public async Task AReplyHeadOver8KiBIsRefusedWithoutReadingOn()
    {
        using var listener = Listen(IPAddress.Loopback);
        var post = new OtlpPost(new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/v1/metrics"), "AppHost/1", []);

        var sent = post.SendAsync(new byte[] { 9 }, CancellationToken.None);
        // A header that never ends, as from some other service on the port; the peer keeps the connection open.
        using var peer = (await AnswerAsync(listener, 1, "HTTP/1.1 200 OK\r\nX-Padding: " + new string('a', 9000), close: false)).Open;

        Assert.Equal("the reply's headers are over 8 KiB: the endpoint is not an OTLP/HTTP receiver", await sent.WaitAsync(Deadline));
    }

    private static TcpListener Listen(IPAddress address)
    {
        var listener = new TcpListener(address, 0);
        listener.Start();
        return listener;
    }

    // Accepts one connection, reads the request's head and its body of the length given, writes the reply, and
    // closes the connection, or with close false hands it back open.
    private static async Task<(string Head, byte[] Body, TcpClient? Open)> AnswerAsync(TcpListener listener, int bodyLength, string reply, bool close = true)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var client = await listener.AcceptTcpClientAsync(timeout.Token);
        var stream = client.GetStream();
        var received = new List<byte>();
        var buffer = new byte[4096];
        int headEnd;
        while ((headEnd = IndexOfHeadEnd(received)) < 0 || received.Count < headEnd + bodyLength)
        {
            int read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.NotEqual(0, read);
            received.AddRange(buffer.AsSpan(0, read));
        }

        await stream.WriteAsync(Encoding.Latin1.GetBytes(reply), timeout.Token);
        if (close)
        {
            client.Dispose();
        }

        return (Encoding.ASCII.GetString([.. received.Take(headEnd)]), [.. received.Skip(headEnd)], close ? null : client);
    }

    private static int IndexOfHeadEnd(List<byte> received)
    {
        int end = received.ToArray().AsSpan().IndexOf("\r\n\r\n"u8);
        return end < 0 ? -1 : end + 4;
    }
}
