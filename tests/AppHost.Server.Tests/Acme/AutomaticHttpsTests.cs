using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using AppHost.Server.Tests.Infrastructure;
using AppHost.Testing;

namespace AppHost.Server.Tests.Acme;

/// <summary>
/// The sample app given --acme-domain gets, serves and renews its own certificate from a real ACME CA
/// (Pebble), seen by clients that verify the chain against Pebble's root and the name.
/// </summary>
// In the native app's collection, so these CA round trips and renewals never share the two cores with
// the systemd restart-under-load test, whose timing they disturbed once (a stream refused at a restart).
[Collection(NativeAppCollection.Name)]
public sealed class AutomaticHttpsTests : IDisposable
{
    private const string Domain = "shop.test";

    // What Pebble logs for each order it creates; "POST /order-plz" also counts requests refused as badNonce.
    private const string OrderAdded = "Added order";

    // Pebble's validator resolves every name to 127.0.0.1, and an order here takes about a second;
    // a CI machine busy with a native publish may take much longer.
    private static readonly TimeSpan Issued = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _state = new();

    [Fact]
    public async Task TlsAlpn01IssuesWithoutAPlainListenerAndARestartServesTheStoredCertificateWithoutAnOrder()
    {
        int https = FreePorts.Take();
        // Half of Pebble's good nonces are refused as badNonce: every request of the order must be retried.
        await using var pebble = await PebbleFixture.StartAsync(new PebbleOptions(TlsPort: https, NonceRejectPercent: 50));

        await using (var app = await StartAsync(pebble, https))
        {
            var leaf = await IssuedAsync(https, pebble);
            using var client = VerifyingTls.Http2(https, Domain, pebble.IssuingRoot);
            using var response = await client.GetAsync("/api/greeting?name=acme");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(HttpVersion.Version20, response.Version);
            Assert.Equal(Domain, leaf.GetNameInfo(X509NameType.DnsName, forIssuer: false));
            Assert.Equal(1, await pebble.CountInLogAsync(OrderAdded));
            AssertStateFilesArePrivate();
            app.Process.Signal(PosixSignal.SIGTERM);
            Assert.Equal(0, await app.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }

        // A restart serves the stored certificate at the first handshake, with no new order.
        await using var restarted = await StartAsync(pebble, https);
        var served = await VerifyingTls.HandshakeAsync(https, Domain, pebble.IssuingRoot);
        Assert.Contains(restarted.LogEvents(), e => e.GetProperty("@mt").GetString()!.StartsWith("ACME: serving the stored certificate", StringComparison.Ordinal));
        Assert.Equal(1, await pebble.CountInLogAsync(OrderAdded));
        Assert.True(served.NotAfter > DateTime.Now, "the stored certificate is valid");
    }

    [Fact]
    public async Task Http01IssuesWhenTheCaCannotReachTheHttpsPortAndOtherPlainRequestsAreRedirected()
    {
        int https = FreePorts.Take();
        int http = FreePorts.Take();
        // Pebble makes its TLS-ALPN-01 handshakes to a port nobody listens on, as when a firewall or a
        // TLS-ending proxy stands before port 443: that challenge fails, and HTTP-01 is tried at once.
        await using var pebble = await PebbleFixture.StartAsync(new PebbleOptions(HttpPort: http, TlsPort: FreePorts.Take()));
        await using var app = await StartAsync(pebble, https, "--http-port", $"{http}");

        await IssuedAsync(https, pebble);
        using var plain = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var redirect = await plain.GetAsync($"http://127.0.0.1:{http}/.well-known/acme-challenge/not-a-token");

        Assert.Contains(app.LogEvents(), e => e.GetProperty("@mt").GetString()!.StartsWith("ACME: {Failed:l} for {Name:l} failed", StringComparison.Ordinal)
            && e.GetProperty("Failed").GetString() == "tls-alpn-01" && e.GetProperty("Other").GetString() == "http-01");
        Assert.Equal(2, await pebble.CountInLogAsync(OrderAdded));
        Assert.Equal(HttpStatusCode.PermanentRedirect, redirect.StatusCode);
    }

    [Fact]
    public async Task RenewsBeforeExpiryWithoutAFailedHandshakeAndKeepsServingWhileTheCaIsDown()
    {
        int https = FreePorts.Take();
        // A 40-second certificate is renewed after about 27 s (when a third of its life is left).
        var pebble = await PebbleFixture.StartAsync(new PebbleOptions(TlsPort: https, CertificateValiditySeconds: 40));
        // Pebble's root outlives Pebble here: the clients still verify against it once the CA is gone.
        using var root = X509CertificateLoader.LoadCertificate(pebble.IssuingRoot.RawData);
        await using var app = await StartAsync(pebble, https);
        var first = await IssuedAsync(https, pebble);

        // New handshakes one after another until one gets the renewed certificate: none may fail meanwhile.
        var renewed = first;
        int handshakes = 0;
        await Poll.UntilAsync(async () =>
        {
            renewed = await VerifyingTls.HandshakeAsync(https, Domain, root);
            handshakes++;
            return renewed.SerialNumber != first.SerialNumber;
        }, TimeSpan.FromSeconds(60), "the renewed certificate on a new handshake");
        Assert.True(renewed.NotAfter > first.NotAfter);
        Assert.True(handshakes > 1, "the renewal happened before the load began");

        // The CA goes away: the next renewal fails, is logged at Error with its next attempt, and the certificate in service stays.
        await pebble.DisposeAsync();
        await app.Process.WaitForOutputAsync(l => l.Contains("\"@l\":\"Error\"", StringComparison.Ordinal) && l.Contains("next attempt at", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Assert.Equal(renewed.SerialNumber, (await VerifyingTls.HandshakeAsync(https, Domain, root)).SerialNumber);
    }

    [Fact]
    public async Task TwoProcessesOnOneStateFolderOrderOnce()
    {
        int https = FreePorts.Take();
        int other = FreePorts.Take();
        await using var pebble = await PebbleFixture.StartAsync(new PebbleOptions(TlsPort: https));
        await using var first = await StartAsync(pebble, https);
        // The second starts while the first orders, holding the state folder's lock: it waits, then finds the certificate stored.
        await Poll.UntilAsync(() => Task.FromResult(pebble.CountInLog("POST /order-plz") > 0), Issued, "the first process to order");
        await using var second = await StartAsync(pebble, other);

        var a = await IssuedAsync(https, pebble);
        var b = await IssuedAsync(other, pebble);

        Assert.Equal(a.SerialNumber, b.SerialNumber);
        Assert.Equal(1, await pebble.CountInLogAsync(OrderAdded));
    }

    [Fact]
    public async Task UnreachableDirectoryAtFirstStartKeepsTheServerRunningAndRetrying()
    {
        int closed = FreePorts.Take();
        using var ca = new TestCertificates();
        await using var app = await RunningApp.StartAsync(SampleApp.Built,
            ["--acme-domain", Domain, "--acme-directory", $"https://127.0.0.1:{closed}/dir", "--acme-ca-file", ca.CertificatePem, "--state-dir", _state.Path],
            environment: null);

        // Under systemd the network may come up after the server: it keeps listening and tries again later.
        await app.Process.WaitForOutputAsync(l => l.Contains("\"@l\":\"Error\"", StringComparison.Ordinal) && l.Contains("next attempt at", StringComparison.Ordinal), Issued);
        Assert.False(app.Process.HasExited);
    }

    [Theory]
    [InlineData("--state-dir", "/etc/hostname/state", "state folder '/etc/hostname/state", "--state-dir")]
    [InlineData("--acme-ca-file", "/nonexistent/ca.pem", "--acme-ca-file '/nonexistent/ca.pem' cannot be read")]
    public async Task StateFolderOrCaFileThatCannotBeUsedStopsStartUpWithOneLine(string option, string value, params string[] fragments)
    {
        string[] args = option == "--state-dir" ? ["--acme-domain", Domain, option, value] : ["--acme-domain", Domain, "--state-dir", _state.Path, option, value];
        var run = await AppExit.RunAsync(args);

        run.AssertOneLineError(ExitCodes.Failure, fragments);
    }

    public void Dispose() => _state.Dispose();

    private Task<RunningApp> StartAsync(PebbleFixture pebble, int port, params string[] more) =>
        RunningApp.LaunchAsync(SampleApp.Built,
        [
            "--host", "127.0.0.1", "--port", $"{port}", "--acme-domain", Domain, "--acme-directory", pebble.DirectoryUrl.ToString(),
            "--acme-ca-file", pebble.CaFile, "--state-dir", _state.Path, .. more,
        ]);

    private static Task<X509Certificate2> IssuedAsync(int port, PebbleFixture pebble) =>
        VerifyingTls.WaitForCertificateAsync(port, Domain, pebble.IssuingRoot, Issued);

    private void AssertStateFilesArePrivate()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no Unix modes: the files inherit the profile folder's private access rules
        }

        foreach (string folder in Directory.GetDirectories(_state.Path, "*", SearchOption.AllDirectories).Append(_state.Path))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        }

        string[] files = Directory.GetFiles(_state.Path, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith("account.key.pem", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(Path.Combine(Domain, "cert.pem"), StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(Path.Combine(Domain, "key.pem"), StringComparison.Ordinal));
        foreach (string file in files)
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }
}
