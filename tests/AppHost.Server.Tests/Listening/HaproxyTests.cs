using System.Net;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Listening;

/// <summary>
/// A real balancer in front: HAProxy in TCP mode passes TLS through to the server and sends the
/// PROXY header first. Client (127.0.0.5), balancer (127.0.0.4 for clients, 127.0.0.2 towards the
/// server) and server are told apart by their loopback addresses.
/// </summary>
public sealed class HaproxyTests(CertificatesFixture certificates) : IClassFixture<CertificatesFixture>
{
    private static readonly IPAddress ClientAddress = IPAddress.Parse("127.0.0.5");
    private static readonly IPAddress Frontend = IPAddress.Parse("127.0.0.4");
    private static readonly IPAddress Backend = IPAddress.Parse("127.0.0.2");
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData(2, "2.0")]
    [InlineData(1, "1.1")]
    public async Task ServerSeesTheClientBehindHaproxy(int proxyVersion, string httpVersion)
    {
        await using var app = await SampleApp.StartAsync("--cert", certificates.Files.Pfx, "--forwarded-by", Backend.ToString(), "--proxy-protocol");
        await using var haproxy = await Haproxy.StartAsync(Frontend, Backend, app.Address.Port, proxyVersion);
        string path = $"/haproxy-{Guid.NewGuid():N}";
        using var client = LoopbackPeer.HttpsClient(ClientAddress, new IPEndPoint(haproxy.Address, haproxy.Port), certificates.Files.Certificate, Version.Parse(httpVersion), Deadline);

        using var response = await client.GetAsync(path);

        Assert.Equal(Version.Parse(httpVersion), response.Version);
        Assert.Equal("127.0.0.5", await LoopbackPeer.LoggedClientAsync(app, path, Deadline));
    }
}
