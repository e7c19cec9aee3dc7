using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AppHost.Acme;
using AppHost.Acme.Challenges;
using AppHost.Certificates;
using AppHost.Listening;
using AppHost.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace AppHost.Server.Tests.Acme.Challenges;

/// <summary>
/// TLS-ALPN-01 on the HTTPS listener, with real handshakes on loopback: a validator (only
/// acme-tls/1, a pending name) gets the challenge certificate and no HTTP; everyone else gets the
/// site, or a refused handshake, never a challenge certificate.
/// </summary>
public sealed class TlsAlpn01Tests(TlsAlpn01Tests.Server server) : IClassFixture<TlsAlpn01Tests.Server>
{
    private const string KeyAuthorization = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";
    private const string NewNameKeyAuthorization = "XvDuRpvR2yCuY4ElHtxCKMMRaRn6rIrHFw2mH7ZfCN8.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";

    private static readonly SslApplicationProtocol AcmeTls1 = new("acme-tls/1");

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task ValidatorGetsTheChallengeCertificateAndAcmeTls1(SslProtocols version)
    {
        await using var client = await TlsConnection.ConnectAsync(server.App.Port, "acme.test", [AcmeTls1], version);

        Assert.Equal(AcmeTls1, client.Tls.NegotiatedApplicationProtocol);
        AssertChallengeCertificate(client.Certificate, "acme.test", KeyAuthorization);
    }

    [Fact]
    public async Task ValidatorConnectionEndsWithoutHttp()
    {
        await using var client = await TlsConnection.ConnectAsync(server.App.Port, "acme.test", [AcmeTls1]);

        // Kestrel would answer this as HTTP/1.1 (308 or "site") if the connection reached HTTP.
        Assert.Equal(0, await ReadAfterRequestAsync(client.Tls));
    }

    [Theory]
    [InlineData("-tls1_2")]
    [InlineData("-tls1_3")]
    public async Task OpensslValidatorGetsTheChallengeCertificateAndNoHttp(string version)
    {
        string output = await OpensslAsync(server.App.Port, "acme.test", "acme-tls/1", version,
            input: "GET / HTTP/1.1\r\nHost: acme.test\r\n\r\n");

        Assert.Contains("ALPN protocol: acme-tls/1", output, StringComparison.Ordinal);
        AssertChallengeCertificate(X509Certificate2.CreateFromPem(output), "acme.test", KeyAuthorization);
        Assert.DoesNotContain("HTTP/1.1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientOfferingAcmeTlsAmongOthersGetsTheSiteOverH2()
    {
        await using var client = await TlsConnection.ConnectAsync(server.App.Port, "acme.test", [SslApplicationProtocol.Http2, AcmeTls1]);

        Assert.Equal(SslApplicationProtocol.Http2, client.Tls.NegotiatedApplicationProtocol);
        Assert.Equal(server.Certificates.Certificate.Thumbprint, client.Certificate.Thumbprint);
    }

    [Theory]
    [InlineData("2.0")]
    [InlineData("1.1")]
    public async Task OrdinaryRequestsAreServedWhileAChallengeIsPending(string version)
    {
        using var client = TestClients.Create(new Uri($"https://localhost:{server.App.Port}"), Version.Parse(version), server.Certificates.Certificate);

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("site", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ClientHelloArrivingInPiecesIsStillRead()
    {
        await using var client = await TlsConnection.ConnectAsync(server.App.Port, "acme.test", [AcmeTls1], wrap: stream => new TrickleStream(stream));

        Assert.Equal(AcmeTls1, client.Tls.NegotiatedApplicationProtocol);
        AssertChallengeCertificate(client.Certificate, "acme.test", KeyAuthorization);
    }

    [Fact]
    public async Task ClientThatStallsBeforeItsClientHelloIsComplete()
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.App.Port);
        var stream = tcp.GetStream();
        // The start of a handshake record header, then nothing: the sniffer waits for the rest.
        await stream.WriteAsync(new byte[] { 22, 3, 1 });

        // The sniffer's own 10 s limit, before Kestrel's handshake timeout would even start.
        var started = DateTime.UtcNow;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        int read;
        try
        {
            read = await stream.ReadAsync(new byte[16], deadline.Token);
        }
        catch (IOException)
        {
            read = 0;
        }

        Assert.Equal(0, read);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(25));
    }

    [Fact]
    public async Task AcmeTlsForANameWithoutAChallengeIsRefused()
    {
        // Only acme-tls/1, but nothing pending for localhost: the site's options offer h2 and
        // http/1.1 only, so the server ends the handshake with no_application_protocol.
        await Assert.ThrowsAsync<AuthenticationException>(() => TlsConnection.ConnectAsync(server.App.Port, "localhost", [AcmeTls1]));
    }

    [Fact]
    public async Task WithNothingPendingAcmeTlsIsRefused()
    {
        using var certificates = new TestCertificates();
        var site = TlsSettings.CreateOptions(new ServerCertificate(certificates.Certificate, []));
        using var tls = new ServerTls(new AutomaticCertificateSource(_ => site, new PendingChallenges()));
        await using var app = await InProcessServer.StartAsync(tls);

        await Assert.ThrowsAsync<AuthenticationException>(() => TlsConnection.ConnectAsync(app.Port, "acme.test", [AcmeTls1]));
        string output = await OpensslAsync(app.Port, "acme.test", "acme-tls/1", "-tls1_3", input: "");
        Assert.Contains("no application protocol", output, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN CERTIFICATE", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NameWithoutACertificateIsRefusedCleanlyWhileItsChallengeWorks()
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => TlsConnection.ConnectAsync(server.App.Port, "new.test", [SslApplicationProtocol.Http2]));
        Assert.True(refused is AuthenticationException or IOException, refused.ToString());

        await using var validator = await TlsConnection.ConnectAsync(server.App.Port, "new.test", [AcmeTls1]);
        AssertChallengeCertificate(validator.Certificate, "new.test", NewNameKeyAuthorization);

        // Kestrel logs the refusal at Debug, with our reason, and nothing at Warning or above.
        await Poll.UntilAsync(() => Task.FromResult(server.App.Log.Entries.Any(e => e.Level == LogLevel.Debug && e.Message.Contains("no certificate for 'new.test'", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(10), "the refused handshake's Debug line");
        Assert.DoesNotContain(server.App.Log.Entries, e => e.Level >= LogLevel.Warning);
    }

    internal static void AssertChallengeCertificate(X509Certificate2 certificate, string name, string keyAuthorization)
    {
        var extension = certificate.Extensions[ChallengeCertificate.AcmeIdentifierOid];
        Assert.NotNull(extension);
        Assert.True(extension.Critical);
        Assert.Equal([0x04, 0x20, .. SHA256.HashData(Encoding.ASCII.GetBytes(keyAuthorization))], extension.RawData);
        var names = Assert.IsType<X509SubjectAlternativeNameExtension>(certificate.Extensions["2.5.29.17"]);
        Assert.Equal([name], names.EnumerateDnsNames());
    }

    /// <summary>Sends an HTTP request and reads until the server closes: the number of bytes that came back.</summary>
    private static async Task<int> ReadAfterRequestAsync(SslStream tls)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int total = 0;
        try
        {
            await tls.WriteAsync("GET / HTTP/1.1\r\nHost: acme.test\r\n\r\n"u8.ToArray(), timeout.Token);
            byte[] buffer = new byte[1024];
            for (int read; (read = await tls.ReadAsync(buffer, timeout.Token)) > 0;)
            {
                total += read;
            }
        }
        catch (IOException)
        {
            // The server may close before the request arrives; the reset then ends the write or the read.
        }

        return total;
    }

    /// <summary>Runs <c>openssl s_client</c> with stdin <paramref name="input"/> and waits for it to end: its output and errors together.</summary>
    private static async Task<string> OpensslAsync(int port, string serverName, string alpn, string version, string input)
    {
        // -ign_eof: keep reading after stdin ends, so a server that answered HTTP would be seen (or time the test out:
        // a server that keeps the connection open keeps openssl running).
        using var stdin = new MemoryStream(Encoding.ASCII.GetBytes(input));
        var run = await CommandRun.RunAsync(["openssl", "s_client", "-connect", $"127.0.0.1:{port}", "-servername", serverName, "-alpn", alpn, version, "-ign_eof"],
            timeout: TimeSpan.FromSeconds(20), input: stdin);
        return run.Output + run.Errors;
    }

    /// <summary>Writes every buffer one byte at a time, so the ClientHello reaches the server in pieces.</summary>
    private sealed class TrickleStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            for (int i = 0; i < buffer.Length; i++)
            {
                await inner.WriteAsync(buffer.Slice(i, 1), cancellationToken);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// The server under test: a site certificate for every name but new.test (no certificate yet),
    /// and TLS-ALPN-01 challenges pending for acme.test and new.test.
    /// </summary>
    public sealed class Server : IAsyncLifetime
    {
        private ServerTls _tls = null!;

        public TestCertificates Certificates { get; } = new();

        internal InProcessServer App { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var site = TlsSettings.CreateOptions(new ServerCertificate(Certificates.Certificate, []));
            var challenges = new PendingChallenges();
            challenges.AddTlsAlpn01("acme.test", KeyAuthorization);
            challenges.AddTlsAlpn01("new.test", NewNameKeyAuthorization);
            _tls = new ServerTls(new AutomaticCertificateSource(name => name == "new.test" ? null : site, challenges));
            App = await InProcessServer.StartAsync(_tls);
        }

        public async Task DisposeAsync()
        {
            await App.DisposeAsync();
            _tls.Dispose();
            Certificates.Dispose();
        }
    }
}
