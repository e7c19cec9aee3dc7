using System.Net;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Listening;

/// <summary>
/// Real balancers ending TLS in front of the native file: nginx and HAProxy (HTTP mode) forward
/// X-Forwarded-For and -Proto from 127.0.0.2, which --forwarded-by names, to the server's plain
/// port (--http-port). Client (127.0.0.5), balancer (127.0.0.4 for clients) and server are told
/// apart by their loopback addresses. In the native app's collection: it shares that publish.
/// </summary>
[Collection(NativeAppCollection.Name)]
public sealed class BalancerEndingTlsTests(NativeAppFixture native)
{
    private static readonly IPAddress ClientAddress = IPAddress.Parse("127.0.0.5");
    private static readonly IPAddress Frontend = IPAddress.Parse("127.0.0.4");
    private static readonly IPAddress Backend = IPAddress.Parse("127.0.0.2");
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData("nginx")]
    [InlineData("haproxy")]
    public async Task HttpsEndedAtTheBalancerIsServedWithHstsToTheRealClient(string balancer)
    {
        await using var app = await StartServerAsync();
        await using var proxy = await StartBalancerAsync(balancer, app);
        string path = $"/{balancer}-https-{Guid.NewGuid():N}";
        using var client = LoopbackPeer.HttpsClient(ClientAddress, new IPEndPoint(proxy.Address, proxy.Port), native.Certificates.Certificate, HttpVersion.Version11, Deadline);

        using var response = await client.GetAsync(path);

        // The app's own answer for an unknown path, not a 308 back to HTTPS: no redirect loop.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(response.Headers.Contains("Strict-Transport-Security"), "HTTPS ended at the balancer counts as HTTPS: HSTS is sent");
        Assert.Equal("127.0.0.5", await LoopbackPeer.LoggedClientAsync(app, path, Deadline));
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("haproxy")]
    public async Task PlainHttpAtTheBalancerIsRedirectedToHttpsWithoutHsts(string balancer)
    {
        await using var app = await StartServerAsync();
        await using var proxy = await StartBalancerAsync(balancer, app);
        string path = $"/{balancer}-http-{Guid.NewGuid():N}";
        using var client = LoopbackPeer.HttpClient(ClientAddress, new IPEndPoint(proxy.Address, proxy.PlainPort!.Value), Deadline);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        // The Host the client sent, and the server's own HTTPS port (the balancer's is 443 in production, where the server's is too).
        Assert.Equal($"https://localhost:{app.Address.Port}{path}", response.Headers.Location?.ToString());
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "plain HTTP gets no HSTS (RFC 6797)");
        Assert.Equal("127.0.0.5", await LoopbackPeer.LoggedClientAsync(app, path, Deadline));
    }

    // The native file with a certificate (so plain HTTP is redirected) and its plain port, which the balancer forwards to.
    private Task<RunningApp> StartServerAsync() =>
        SampleApp.StartAsync(["--cert", native.Certificates.Pfx, "--http-port", "0", "--forwarded-by", Backend.ToString()], environment: null, executable: native.NativeFile);

    private Task<BalancerProcess> StartBalancerAsync(string balancer, RunningApp app) => balancer switch
    {
        "nginx" => Nginx.StartAsync(Frontend, Backend, app.RedirectAddress!.Port, native.Certificates),
        "haproxy" => Haproxy.EndingTlsAsync(Frontend, Backend, app.RedirectAddress!.Port, native.Certificates),
        _ => throw new ArgumentOutOfRangeException(nameof(balancer), balancer, "nginx or haproxy"),
    };
}
