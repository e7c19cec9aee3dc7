using System.Net;
using AppHost.Acme;
using AppHost.Acme.Challenges;
using AppHost.Certificates;
using AppHost.Listening;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Acme.Challenges;

/// <summary>HTTP-01 on the plain listener, which otherwise answers everything with 308 to HTTPS.</summary>
public sealed class AcmeHttpChallengeTests(AcmeHttpChallengeTests.Server server) : IClassFixture<AcmeHttpChallengeTests.Server>
{
    private const string Token = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";
    private const string KeyAuthorization = Token + ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";

    [Fact]
    public async Task PendingTokenIsAnsweredOnThePlainListener()
    {
        using var client = TestClients.Http11(new Uri($"http://localhost:{server.HttpPort}"));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/.well-known/acme-challenge/{Token}");
        // As Pebble's and Boulder's validators send it: the name being validated, with the port.
        request.Headers.Host = $"acme.test:{server.HttpPort}";

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(KeyAuthorization.Length, response.Content.Headers.ContentLength);
        Assert.Equal(KeyAuthorization, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("GET", "/.well-known/acme-challenge/unknown-token")]
    [InlineData("GET", "/.well-known/acme-challenge/")]
    [InlineData("GET", "/.well-known/acme-challenge/" + Token + "/more")]
    [InlineData("POST", "/.well-known/acme-challenge/" + Token)]
    [InlineData("GET", "/")]
    public async Task AnythingElseIsRedirectedLikeAnyPath(string method, string path)
    {
        using var client = TestClients.Http11(new Uri($"http://localhost:{server.HttpPort}"));

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal($"https://localhost:{server.App.Port}{path}", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task WithACertificateFileNothingIsAnswered()
    {
        using var certificates = new TestCertificates();
        var options = new ServerOptions { Certificate = new CertificateFiles(certificates.Pfx, null, null) };
        using var tls = ServerTls.Load(options, Serilog.Core.Logger.None);
        int httpPort = FreePorts.Take();
        await using var app = await InProcessServer.StartAsync(tls, httpPort);
        using var client = TestClients.Http11(new Uri($"http://localhost:{httpPort}"));

        using var response = await client.GetAsync($"/.well-known/acme-challenge/{Token}");

        Assert.Null(tls!.Challenges);
        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
    }

    /// <summary>An ACME server with an HTTP-01 token pending and a redirect port.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private readonly TestCertificates _certificates = new();
        private ServerTls _tls = null!;

        public int HttpPort { get; } = FreePorts.Take();

        internal InProcessServer App { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var site = TlsSettings.CreateOptions(new ServerCertificate(_certificates.Certificate, []));
            var challenges = new PendingChallenges();
            challenges.AddHttp01(Token, KeyAuthorization);
            _tls = new ServerTls(new AutomaticCertificateSource(_ => site, challenges));
            App = await InProcessServer.StartAsync(_tls, HttpPort);
        }

        public async Task DisposeAsync()
        {
            await App.DisposeAsync();
            _tls.Dispose();
            _certificates.Dispose();
        }
    }
}
