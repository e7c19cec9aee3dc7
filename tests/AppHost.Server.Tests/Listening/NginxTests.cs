using System.Net;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Listening;

/// <summary>
/// A real reverse proxy ending TLS in front of a plain server: nginx forwards X-Forwarded-For and
/// -Proto from 127.0.0.2, which --forwarded-by names. Client (127.0.0.5), nginx (127.0.0.4 for
/// clients) and server are told apart by their loopback addresses.
/// </summary>
public sealed class NginxTests(CertificatesFixture certificates) : IClassFixture<CertificatesFixture>
{
    private static readonly IPAddress ClientAddress = IPAddress.Parse("127.0.0.5");
    private static readonly IPAddress Frontend = IPAddress.Parse("127.0.0.4");
    private static readonly IPAddress Backend = IPAddress.Parse("127.0.0.2");
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ServerSeesTheClientAndHttpsBehindNginx()
    {
        await using var app = await SampleApp.StartAsync("--forwarded-by", Backend.ToString());
        await using var nginx = await Nginx.StartAsync(Frontend, Backend, app.Address.Port, certificates.Files);
        string path = $"/nginx-{Guid.NewGuid():N}";
        using var client = LoopbackPeer.HttpsClient(ClientAddress, new IPEndPoint(nginx.Address, nginx.Port), certificates.Files.Certificate, HttpVersion.Version11, Deadline);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(response.Headers.Contains("Strict-Transport-Security"), "HTTPS ended at nginx counts as HTTPS: HSTS is sent");
        Assert.Equal("127.0.0.5", await LoopbackPeer.LoggedClientAsync(app, path, Deadline));
    }
}
