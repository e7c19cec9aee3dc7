using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using AppHost.Server.Tests.Infrastructure;
using AppHost.Testing;

namespace AppHost.Server.Tests.NativeFile;

/// <summary>
/// The native file, given only the ACME options and a redirect port, gets a certificate from a real
/// ACME CA (Pebble), serves it over HTTP/2 to a client that verifies it, renews it, and keeps it
/// across a restart: what the README's "Automatic HTTPS" promises, with the file a user copies.
/// </summary>
[Collection(NativeAppCollection.Name)]
public sealed class NativeAcmeTests(NativeAppFixture native) : IDisposable
{
    private const string Domain = "native.test";

    private readonly TempDirectory _state = new();

    [Fact]
    public async Task GetsServesRenewsAndKeepsItsCertificate()
    {
        int https = Poll.FreePort();
        int http = Poll.FreePort();
        // A 40-second certificate: renewed after about 27 s, when a third of its life is left.
        await using var pebble = await PebbleFixture.StartAsync(new PebbleOptions(HttpPort: http, TlsPort: https, CertificateValiditySeconds: 40));
        string[] options = ["--host", "127.0.0.1", "--port", $"{https}", "--http-port", $"{http}", "--acme-domain", Domain,
            "--acme-directory", pebble.DirectoryUrl.ToString(), "--acme-ca-file", pebble.CaFile];
        // No --state-dir: the default per-user folder, moved into the test's own by XDG_STATE_HOME.
        var environment = new Dictionary<string, string> { ["XDG_STATE_HOME"] = _state.Path };

        X509Certificate2 first;
        await using (var app = await RunningApp.LaunchAsync(native.NativeFile, options, environment))
        {
            first = await VerifyingTls.WaitForCertificateAsync(https, Domain, pebble.IssuingRoot, TimeSpan.FromSeconds(60));
            using var client = VerifyingTls.Http2(https, Domain, pebble.IssuingRoot);
            using var response = await client.GetAsync("/api/greeting?name=acme");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(HttpVersion.Version20, response.Version);
            Assert.True(File.Exists(Path.Combine(_state.Path, "apphostsample", "acme", $"127.0.0.1_{pebble.DirectoryUrl.Port}_dir", Domain, "cert.pem")));

            app.Process.Signal(PosixSignal.SIGTERM);
            Assert.Equal(0, await app.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }

        // Restarted: the stored certificate at the first handshake, then its renewal while the server runs.
        await using var restarted = await RunningApp.LaunchAsync(native.NativeFile, options, environment);
        Assert.Equal(first.SerialNumber, (await VerifyingTls.HandshakeAsync(https, Domain, pebble.IssuingRoot)).SerialNumber);
        Assert.Equal(1, pebble.CountInLog("Added order"));
        await Poll.UntilAsync(async () => (await VerifyingTls.HandshakeAsync(https, Domain, pebble.IssuingRoot)).SerialNumber != first.SerialNumber,
            TimeSpan.FromSeconds(60), "the renewed certificate on a new handshake");
    }

    public void Dispose() => _state.Dispose();
}
