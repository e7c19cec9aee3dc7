using System.Net;
using System.Net.Sockets;
using System.Text;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Listening;

/// <summary>--host-name: requests for other hosts get 400, which blocks DNS rebinding and Host header abuse.</summary>
public sealed class HostFilteringTests : IAsyncLifetime
{
    private RunningApp _app = null!;

    public async Task InitializeAsync() => _app = await SampleApp.StartAsync("--host-name", "example.test", "--host-name", "*.shop.test");

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("example.test", HttpStatusCode.OK)]
    [InlineData("EXAMPLE.test", HttpStatusCode.OK)]
    [InlineData("api.shop.test", HttpStatusCode.OK)]
    [InlineData("evil.test", HttpStatusCode.BadRequest)]
    [InlineData("127.0.0.1", HttpStatusCode.BadRequest)]
    public async Task OnlyListedHostsAreServed(string host, HttpStatusCode expected)
    {
        using var client = TestClients.Http11(_app.Address);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Host = host;

        using var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task RequestWithoutHostIsRefused()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _app.Address.Port);
        // HTTP/1.0 may omit Host; with --host-name it names no allowed host.
        await tcp.GetStream().WriteAsync("GET /healthz HTTP/1.0\r\n\r\n"u8.ToArray());

        using var reader = new StreamReader(tcp.GetStream(), Encoding.ASCII);
        Assert.Equal("HTTP/1.1 400 Bad Request", await reader.ReadLineAsync());
    }
}
