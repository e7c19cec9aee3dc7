using System.Net;
using System.Net.Sockets;
using System.Text;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Listening;

/// <summary>--http-port: a plain listener whose only answer is 308 to the same URL over HTTPS, under the same limits.</summary>
public sealed class RedirectTests(RedirectTests.Server server) : IClassFixture<RedirectTests.Server>
{
    [Fact]
    public async Task GetIsRedirectedWithHostPathQueryAndHttpsPort()
    {
        using var client = TestClients.Http11(new Uri($"http://localhost:{server.HttpPort}"));

        using var response = await client.GetAsync("/api/greeting?name=Ada&x=1");

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal($"https://localhost:{server.App.Address.Port}/api/greeting?name=Ada&x=1", response.Headers.Location?.ToString());
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task PostIsRedirectedToo()
    {
        using var client = TestClients.Http11(new Uri($"http://localhost:{server.HttpPort}"));

        using var response = await client.PostAsync("/api/greeting", new StringContent("{}", Encoding.UTF8, "application/json"));

        // 308 (not 301 or 302), so the client repeats the POST with its body.
        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
    }

    [Fact]
    public async Task RedirectListenerKeepsTheLimits()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.HttpPort);
        var stream = tcp.GetStream();
        // A request line over the 8 KiB limit.
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /{new string('a', 9000)} HTTP/1.1\r\nHost: localhost\r\n\r\n"));

        using var reader = new StreamReader(stream, Encoding.ASCII);
        Assert.Equal("HTTP/1.1 414 URI Too Long", await reader.ReadLineAsync());
    }

    [Fact]
    public async Task HttpsPortStillServes()
    {
        using var client = TestClients.Http2(server.App.Address, server.Certificates.Certificate);

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The server under test, with a certificate and a redirect port.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public TestCertificates Certificates { get; } = new();

        // --http-port 0: the system picks it, and the ready file says which.
        public int HttpPort => App.RedirectAddress!.Port;

        public RunningApp App { get; private set; } = null!;

        public async Task InitializeAsync() =>
            App = await SampleApp.StartAsync("--cert", Certificates.Pfx, "--http-port", "0");

        public async Task DisposeAsync()
        {
            await App.DisposeAsync();
            Certificates.Dispose();
        }
    }
}
