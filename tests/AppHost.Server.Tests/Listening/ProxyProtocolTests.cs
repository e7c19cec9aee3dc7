using System.Net;
using System.Net.Sockets;
using System.Text;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Listening;

/// <summary>
/// --proxy-protocol: each connection from the balancer (127.0.0.2 here) starts with a PROXY header
/// naming the client, before TLS; anything else is closed without harming other connections.
/// </summary>
public sealed class ProxyProtocolTests(ProxyProtocolTests.Server server) : IClassFixture<ProxyProtocolTests.Server>
{
    private static readonly IPAddress Balancer = IPAddress.Parse("127.0.0.2");
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task TextHeaderNamesTheClientOverHttp11()
    {
        string path = NewPath();
        using var client = Client(Balancer, Encoding.ASCII.GetBytes("PROXY TCP4 198.51.100.7 127.0.0.1 40001 443\r\n"), HttpVersion.Version11);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("198.51.100.7", await LoggedClientAsync(path));
    }

    [Fact]
    public async Task BinaryHeaderNamesTheClientOverHttp2()
    {
        string path = NewPath();
        byte[] header = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11, 0x00, 0x0C, 198, 51, 100, 8, 127, 0, 0, 1, 0x9C, 0x42, 0x01, 0xBB];
        using var client = Client(Balancer, header, HttpVersion.Version20);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("198.51.100.8", await LoggedClientAsync(path));
    }

    [Fact]
    public async Task BalancersOwnConnectionKeepsItsAddress()
    {
        string path = NewPath();
        using var client = Client(Balancer, "PROXY UNKNOWN\r\n"u8.ToArray(), HttpVersion.Version11);

        using var response = await client.GetAsync(path);

        Assert.Equal("127.0.0.2", await LoggedClientAsync(path));
    }

    [Fact]
    public async Task RedirectListenerReadsTheHeaderToo()
    {
        using var socket = await ConnectAsync(Balancer, server.App.RedirectAddress!.Port);
        await using var stream = new NetworkStream(socket);
        await stream.WriteAsync("PROXY TCP4 198.51.100.9 127.0.0.1 40003 80\r\nGET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8.ToArray());

        string response = await new StreamReader(stream).ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 308", response);
    }

    [Theory]
    [InlineData("127.0.0.1", "PROXY TCP4 198.51.100.7 127.0.0.1 40001 443\r\n")] // a header, but from a peer not named by --forwarded-by
    [InlineData("127.0.0.2", "")] // the balancer, without a header: TLS straight away
    [InlineData("127.0.0.2", "PROXY TCP4 198.51.100.7 127.0.0.1 70000 443\r\n")] // a malformed header
    public async Task ConnectionWithoutAValidHeaderFromABalancerIsClosed(string from, string header)
    {
        using var client = Client(IPAddress.Parse(from), Encoding.ASCII.GetBytes(header), HttpVersion.Version11);

        // Closed before or after the header is written, as the race between the server's close and the write goes.
        var failure = await Record.ExceptionAsync(() => client.GetAsync("/healthz"));
        Assert.True(failure is HttpRequestException or IOException or SocketException, $"expected the connection to be closed, got {failure?.GetType().Name ?? "a response"}");
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task HeaderSentOneByteASecondIsCutOffAtTheDeadline()
    {
        using var socket = await ConnectAsync(Balancer, server.App.Address.Port);
        await using var stream = new NetworkStream(socket);
        var started = DateTime.UtcNow;
        byte[] header = "PROXY TCP4 198.51.100.7 127.0.0.1 40001 443\r\n"u8.ToArray();
        var closed = false;
        for (int i = 0; i < header.Length && !closed; i++)
        {
            try
            {
                await stream.WriteAsync(header.AsMemory(i, 1));
                // The poll that stands in for a slow client: one byte, then a second's wait unless the server closes first.
                closed = socket.Poll(TimeSpan.FromSeconds(1), SelectMode.SelectRead) && socket.Available == 0;
            }
            catch (IOException)
            {
                closed = true;
            }
        }

        Assert.True(closed, "the server kept a connection whose header never ended");
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(12));
        await AssertStillServesAsync();
    }

    private async Task AssertStillServesAsync()
    {
        using var client = Client(Balancer, "PROXY TCP4 198.51.100.10 127.0.0.1 40004 443\r\n"u8.ToArray(), HttpVersion.Version11);
        using var response = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static string NewPath() => $"/proxied-{Guid.NewGuid():N}";

    private static Task<Socket> ConnectAsync(IPAddress from, int port) => LoopbackPeer.ConnectAsync(from, new IPEndPoint(IPAddress.Loopback, port));

    // A client whose every connection comes from 'from' and starts with 'header', as a balancer's does; then TLS and HTTP as usual.
    private HttpClient Client(IPAddress from, byte[] header, Version version) =>
        LoopbackPeer.HttpsClient(from, new IPEndPoint(IPAddress.Loopback, server.App.Address.Port), server.Certificates.Certificate, version, Deadline, header);

    private Task<string> LoggedClientAsync(string path) => LoopbackPeer.LoggedClientAsync(server.App, path, Deadline);

    /// <summary>The server behind the balancer: HTTPS and the redirect, both expecting the PROXY header.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public TestCertificates Certificates { get; } = new();

        public RunningApp App { get; private set; } = null!;

        public async Task InitializeAsync() =>
            App = await SampleApp.StartAsync("--cert", Certificates.Pfx, "--http-port", "0", "--forwarded-by", Balancer.ToString(), "--proxy-protocol");

        public async Task DisposeAsync()
        {
            await App.DisposeAsync();
            Certificates.Dispose();
        }
    }
}
