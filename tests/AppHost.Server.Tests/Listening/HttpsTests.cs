using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Listening;

/// <summary>With a certificate: HTTPS only, HTTP/2 and HTTP/1.1 by ALPN, TLS 1.2 and 1.3, HSTS, no Server header.</summary>
public sealed class HttpsTests(HttpsServerFixture server) : IClassFixture<HttpsServerFixture>
{
    [Fact]
    public async Task Http2IsNegotiatedByAlpn()
    {
        await using var connection = await HandshakeAsync([SslApplicationProtocol.Http2, SslApplicationProtocol.Http11]);

        Assert.Equal(SslApplicationProtocol.Http2, connection.Tls.NegotiatedApplicationProtocol);
    }

    [Fact]
    public async Task Http11ClientIsServedHttp11()
    {
        using var client = TestClients.Http11(server.App.Address, server.Certificates.Certificate);

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.Contains("is running", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Http2ResponseCarriesHstsAndNoServerHeader()
    {
        using var client = TestClients.Http2(server.App.Address, server.Certificates.Certificate);

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("max-age=31536000", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.False(response.Headers.Contains("Server"));
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task ModernTlsVersionIsAcceptedWithForwardSecrecy(SslProtocols protocol)
    {
        await using var connection = await HandshakeAsync([SslApplicationProtocol.Http11], protocol);

        Assert.Equal(protocol, connection.Tls.SslProtocol);
        if (protocol == SslProtocols.Tls12)
        {
            // TLS 1.3 suites are all forward secret; for 1.2 only ECDHE key exchange is.
            Assert.StartsWith("TLS_ECDHE_", connection.Tls.NegotiatedCipherSuite.ToString());
        }
    }

    [Fact]
    public async Task PlainHttpOnTheHttpsPortGetsNoPage()
    {
        using var client = TestClients.Http11(new UriBuilder(server.App.Address) { Scheme = "http" }.Uri);

        var error = await Record.ExceptionAsync(() => client.GetAsync("/").WaitAsync(TimeSpan.FromSeconds(10)));

        // Kestrel closes a connection whose first bytes are not a TLS handshake: no page, no wait.
        Assert.IsType<HttpRequestException>(error);
    }

    [Fact]
    public async Task RequestIsLoggedOnOneLine()
    {
        using var client = TestClients.Http2(server.App.Address, server.Certificates.Certificate);
        string path = $"/healthz-not-here-{Guid.NewGuid():N}";

        using var response = await client.GetAsync(path + "?token=secret");

        string line = await server.App.Process.WaitForOutputAsync(l => l.Contains(path, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        var logged = System.Text.Json.JsonDocument.Parse(line).RootElement;
        Assert.Equal("GET", logged.GetProperty("Method").GetString());
        Assert.Equal(404, logged.GetProperty("StatusCode").GetInt32());
        Assert.Equal("HTTP/2", logged.GetProperty("Protocol").GetString());
        Assert.True(logged.GetProperty("ElapsedMs").GetDouble() >= 0);
        Assert.DoesNotContain("secret", line);
    }

    [Fact]
    public void StartupLineSaysTlsAndHttp2AreOn()
    {
        // Read as an operator reads it: the words and the address, whatever the event's property names.
        string address = $"https://127.0.0.1:{server.App.Address.Port}";
        string started = server.App.Process.StandardOutput.First(l => l.Contains("Listening on", StringComparison.Ordinal));

        Assert.Contains("(TLS on, HTTP/2 on", started);
        Assert.Contains(address, started);
    }

    /// <summary>A handshake that trusts this server's certificate alone, as its clients would.</summary>
    private Task<TlsConnection> HandshakeAsync(List<SslApplicationProtocol> protocols, SslProtocols versions = SslProtocols.Tls12 | SslProtocols.Tls13) =>
        TlsConnection.ConnectAsync(server.App.Address.Port, protocols: protocols, versions: versions, root: server.Certificates.Certificate);
}
