using System.Net;
using System.Net.Sockets;
using System.Text;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Listening;

/// <summary>
/// --forwarded-by: the client's address and scheme from a trusted balancer's X-Forwarded-For and
/// -Proto, and from nobody else. Requests come from chosen loopback addresses, so one machine holds
/// the client (127.0.0.1), the balancer (127.0.0.2, 127.0.0.3) and the server.
/// </summary>
public sealed class ForwardedByTests(ForwardedByTests.Servers servers) : IClassFixture<ForwardedByTests.Servers>
{
    private static readonly IPAddress Balancer = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress InnerBalancer = IPAddress.Parse("127.0.0.3");
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task TrustedBalancerGivesTheClientAddressAndScheme()
    {
        var response = await GetAsync(servers.Plain, Balancer, "X-Forwarded-For: 198.51.100.7", "X-Forwarded-Proto: https");

        Assert.Equal("198.51.100.7", await LoggedClientAsync(servers.Plain, response));
        Assert.True(response.Headers.ContainsKey("strict-transport-security"), "HTTPS ended at the balancer counts as HTTPS: HSTS is sent");
    }

    [Fact]
    public async Task ChainIsReadFromTheRightPastTrustedBalancersOnly()
    {
        // The client put 192.0.2.66 in the header itself; the inner balancer appended the address it saw.
        var response = await GetAsync(servers.Plain, Balancer, "X-Forwarded-For: 192.0.2.66, 198.51.100.7, 127.0.0.3", "X-Forwarded-Proto: http, https, https");

        Assert.Equal("198.51.100.7", await LoggedClientAsync(servers.Plain, response));
    }

    [Fact]
    public async Task HeadersFromAnUntrustedPeerChangeNothing()
    {
        var response = await GetAsync(servers.Plain, IPAddress.Loopback, "X-Forwarded-For: 198.51.100.7", "X-Forwarded-Proto: https");

        Assert.Equal("127.0.0.1", await LoggedClientAsync(servers.Plain, response));
        Assert.False(response.Headers.ContainsKey("strict-transport-security"), "plain HTTP from an untrusted peer is not HTTPS");
    }

    [Fact]
    public async Task ForwardedHttpsIsNotRedirectedAndForwardedHttpIs()
    {
        var https = await RequestAsync(servers.Redirecting, Balancer, "/healthz", "X-Forwarded-Proto: https");
        var http = await RequestAsync(servers.Redirecting, Balancer, "/healthz", "X-Forwarded-Proto: http");
        var spoofed = await RequestAsync(servers.Redirecting, IPAddress.Loopback, "/healthz", "X-Forwarded-Proto: https");

        Assert.Equal(200, https.Status);
        Assert.Equal(308, http.Status);
        Assert.Equal(308, spoofed.Status);
    }

    [Fact]
    public async Task WithoutForwardedByLoopbackIsNotTrustedEither()
    {
        var response = await GetAsync(servers.Untrusting, IPAddress.Loopback, "X-Forwarded-For: 198.51.100.7");

        Assert.Equal("127.0.0.1", await LoggedClientAsync(servers.Untrusting, response));
    }

    // A path of its own, so the test finds its request's log line.
    private static Task<Response> GetAsync(RunningApp app, IPAddress from, params string[] headers) =>
        RequestAsync(app, from, $"/forwarded-{Guid.NewGuid():N}", headers);

    // One HTTP/1.1 request from a chosen source address over a plain socket, as a balancer sends it.
    private static async Task<Response> RequestAsync(RunningApp app, IPAddress from, string path, params string[] headers)
    {
        int port = (app.RedirectAddress ?? app.Address).Port;
        using var timeout = new CancellationTokenSource(Deadline);
        using var socket = await LoopbackPeer.ConnectAsync(from, new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        string request = $"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{string.Concat(headers.Select(h => h + "\r\n"))}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        string text = await reader.ReadToEndAsync(timeout.Token);
        string[] lines = text[..text.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Split("\r\n");
        var fields = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        return new Response(path, int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), fields);
    }

    private static Task<string> LoggedClientAsync(RunningApp app, Response response) => LoopbackPeer.LoggedClientAsync(app, response.Path, Deadline);

    private sealed record Response(string Path, int Status, IReadOnlyDictionary<string, string> Headers);

    /// <summary>A plain server behind two balancers, a server with a certificate and a redirect port behind one, and one that trusts nobody.</summary>
    public sealed class Servers : IAsyncLifetime
    {
        private readonly TestCertificates _certificates = new();

        public RunningApp Plain { get; private set; } = null!;

        public RunningApp Redirecting { get; private set; } = null!;

        public RunningApp Untrusting { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Plain = await SampleApp.StartAsync("--forwarded-by", Balancer.ToString(), "--forwarded-by", $"{InnerBalancer}/32");
            Redirecting = await SampleApp.StartAsync("--cert", _certificates.Pfx, "--http-port", "0", "--forwarded-by", Balancer.ToString());
            Untrusting = await SampleApp.StartAsync();
        }

        public async Task DisposeAsync()
        {
            await Plain.DisposeAsync();
            await Redirecting.DisposeAsync();
            await Untrusting.DisposeAsync();
            _certificates.Dispose();
        }
    }
}
