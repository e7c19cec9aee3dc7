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

    // A user id with no entry in /etc/passwd, as a DynamicUser= service has without nss-systemd.
    private const int HomelessUser = 61234;

    private readonly TempDirectory _state = new();

    [Fact]
    public async Task GetsServesRenewsAndKeepsItsCertificate()
    {
        int https = FreePorts.Take();
        int http = FreePorts.Take();
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
        Assert.Equal(1, await pebble.CountInLogAsync("Added order"));
        await Poll.UntilAsync(async () => (await VerifyingTls.HandshakeAsync(https, Domain, pebble.IssuingRoot)).SerialNumber != first.SerialNumber,
            TimeSpan.FromSeconds(60), "the renewed certificate on a new handshake");
    }

    [RootFact]
    public async Task GetsItsCertificateAsAUserWithoutAHomeDirectory()
    {
        int https = FreePorts.Take();
        int http = FreePorts.Take();
        await using var pebble = await PebbleFixture.StartAsync(new PebbleOptions(HttpPort: http, TlsPort: https));
        // What the user may read: a copy of the file and of the CA's root, beside its state folder.
        (await CommandRun.RunAsync(["chmod", "755", _state.Path])).AssertSucceeded();
        string file = Path.Combine(_state.Path, "apphostsample");
        File.Copy(native.NativeFile, file);
        string caFile = Path.Combine(_state.Path, "ca.pem");
        File.Copy(pebble.CaFile, caFile);
        string state = Directory.CreateDirectory(Path.Combine(_state.Path, "state")).FullName;
        (await CommandRun.RunAsync(["chown", $"{HomelessUser}:{HomelessUser}", state])).AssertSucceeded();
        // No HOME, and a user the user database does not know: .NET cannot find a home directory.
        string[] launcher = ["setpriv", $"--reuid={HomelessUser}", $"--regid={HomelessUser}", "--clear-groups", "env", "-u", "HOME"];
        string[] options = ["--host", "127.0.0.1", "--port", $"{https}", "--http-port", $"{http}", "--acme-domain", Domain,
            "--acme-directory", pebble.DirectoryUrl.ToString(), "--acme-ca-file", caFile, "--state-dir", state];

        await using var app = await RunningApp.LaunchAsync(file, options, environment: null, launcher);
        // Verified against Pebble's root: the order went through the CA's HTTPS, checked without a home.
        await VerifyingTls.WaitForCertificateAsync(https, Domain, pebble.IssuingRoot, TimeSpan.FromSeconds(60));

        Assert.True(File.Exists(Path.Combine(state, "acme", $"127.0.0.1_{pebble.DirectoryUrl.Port}_dir", Domain, "cert.pem")));
    }

    public void Dispose() => _state.Dispose();
}
