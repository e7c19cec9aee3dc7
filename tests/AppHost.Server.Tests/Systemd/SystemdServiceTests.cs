using System.Diagnostics;
using System.Globalization;
using AppHost.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace AppHost.Server.Tests.Systemd;

/// <summary>
/// The units <c>apphost service</c> writes, run by a real systemd (252, Debian 12, in a container)
/// with the sample app's native file: what the README promises of them, seen happen.
/// </summary>
[Collection(NativeAppCollection.Name)]
public sealed class SystemdServiceTests : IClassFixture<SystemdContainer>, IAsyncLifetime
{
    private const string Binary = "/usr/local/bin/shop";
    private const int HttpsPort = 8443;
    private const int HttpPort = 8080;

    // Each server process of the restart test answers this many requests of the load (about a second's worth here) before the next restart.
    private const int AnswersPerProcess = 2000;

    // What the units say (ServiceUnit): WatchdogSec=30, RestartSec=1, TimeoutStopSec=35.
    private static readonly TimeSpan WatchdogAndRestart = TimeSpan.FromSeconds(30 + 1);
    private static readonly TimeSpan TimeoutStop = TimeSpan.FromSeconds(35);

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly NativeAppFixture _native;
    private readonly SystemdContainer _container;
    private readonly ITestOutputHelper _output;

    public SystemdServiceTests(NativeAppFixture native, SystemdContainer container, ITestOutputHelper output)
    {
        _native = native;
        _container = container;
        _output = output;
    }

    /// <summary>Installs the app and the units for "shop" (a dynamic user, the certificate by LoadCredential), once per container.</summary>
    public async Task InitializeAsync()
    {
        if (SystemdContainer.WhyNot() is not null || await IsInstalledAsync("shop"))
        {
            return;
        }

        await _container.CopyInAsync(_native.NativeFile, Binary, mode: "0755");
        // Root's alone, as a certificate from certbot is: only systemd can read it for the dynamic user.
        await _container.CopyInAsync(_native.Certificates.Pfx, "/etc/shop/cert.pfx", mode: "0600");
        await InstallUnitsAsync("shop", Binary, "--port", $"{HttpsPort}", "--http-port", $"{HttpPort}", "--cert", "/etc/shop/cert.pfx");
        await _container.RunAsync(["systemctl", "enable", "--now", "shop.socket", "shop-http.socket"]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [SystemdFact]
    public async Task FirstConnectionStartsTheServerOnBothNamedSockets()
    {
        await _container.RunAsync(["systemctl", "stop", "shop.service"]);
        Assert.Equal("inactive", await PropertyAsync("shop.service", "ActiveState"));

        // The socket accepts for the stopped service; the connection waits while systemd starts it.
        Assert.Equal("200 2", await CurlAsync($"https://127.0.0.1:{HttpsPort}/", "--http2"));
        Assert.Equal("active", await PropertyAsync("shop.service", "ActiveState"));
        Assert.Equal("200 1.1", await CurlAsync($"https://127.0.0.1:{HttpsPort}/"));
        Assert.Equal($"308 1.1 https://127.0.0.1:{HttpsPort}/a?b=c", await CurlAsync($"http://127.0.0.1:{HttpPort}/a?b=c", alsoWrite: " %{redirect_url}"));
        // The start-up report, a JSON line in the journal: "Serving on 2 sockets passed by systemd (https, http)".
        // systemd passes a service's sockets in no fixed order (they are a set of the units that trigger it),
        // so either order is right. The server writes its log from a background thread, so the line may reach
        // the journal a moment later.
        await Poll.UntilAsync(async () => await JournalAsync("shop.service") is var journal
            && (journal.Contains("\"Count\":2,\"Names\":\"https, http\"", StringComparison.Ordinal)
                || journal.Contains("\"Count\":2,\"Names\":\"http, https\"", StringComparison.Ordinal)),
            Deadline, "the start-up report of both named sockets in the journal of shop.service");
    }

    [SystemdFact]
    public async Task ServesAsADynamicUserWithTheCertificateSystemdPassed()
    {
        await _container.RunAsync(["systemctl", "start", "shop.service"]);
        string pid = await PropertyAsync("shop.service", "MainPID");
        string status = (await _container.RunAsync(["cat", $"/proc/{pid}/status"])).Output;
        int uid = int.Parse(status.Split('\n').First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t')[1], CultureInfo.InvariantCulture);
        // systemd allocates dynamic users from 61184 to 65519.
        Assert.InRange(uid, 61184, 65519);
        // The certificate file is root's (0600), so the server could only have it from LoadCredential=.
        Assert.Equal(_native.Certificates.Certificate.GetCertHashString(), await ServedThumbprintAsync(HttpsPort));
    }

    [SystemdFact]
    public async Task StartReturnsOnlyOnceTheServerServesAndItsStatusShows()
    {
        await _container.RunAsync(["systemctl", "stop", "shop.service"]);
        await _container.RunAsync(["systemctl", "start", "shop.service"]);

        // Type=notify: systemctl start returned, so READY=1 came, with the STATUS the server sent beside it.
        Assert.Equal("active", await PropertyAsync("shop.service", "ActiveState"));
        Assert.StartsWith("Listening on", await PropertyAsync("shop.service", "StatusText"), StringComparison.Ordinal);
        Assert.Contains("Listening on", (await _container.RunAsync(["systemctl", "status", "--no-pager", "shop.service"], check: false)).Output);
    }

    [SystemdFact]
    public async Task StopEndsWithExitZeroWithinTimeoutStopSec()
    {
        await _container.RunAsync(["systemctl", "start", "shop.service"]);
        var stopping = Stopwatch.StartNew();
        await _container.RunAsync(["systemctl", "stop", "shop.service"]);
        stopping.Stop();

        Assert.True(stopping.Elapsed < TimeoutStop, $"stop took {stopping.Elapsed}");
        Assert.Equal("success", await PropertyAsync("shop.service", "Result"));
        Assert.Equal("0", await PropertyAsync("shop.service", "ExecMainStatus"));
    }

    [SystemdFact]
    public async Task WatchdogRestartsAFrozenServer()
    {
        await _container.RunAsync(["systemctl", "start", "shop.service"]);
        string frozen = await PropertyAsync("shop.service", "MainPID");
        var frozenFor = Stopwatch.StartNew();
        await _container.RunAsync(["kill", "-STOP", frozen]);

        await Poll.UntilAsync(async () =>
            await PropertyAsync("shop.service", "MainPID") is var pid && pid != frozen && pid != "0"
            && await PropertyAsync("shop.service", "ActiveState") == "active",
            WatchdogAndRestart + Deadline, "a new server process after the watchdog fired");
        frozenFor.Stop();

        // The new process started within WatchdogSec + RestartSec, plus its own start-up.
        Assert.True(frozenFor.Elapsed < WatchdogAndRestart + TimeSpan.FromSeconds(5), $"restarted after {frozenFor.Elapsed}");
        await JournalShowsAsync("shop.service", "Watchdog timeout");
        Assert.Equal("200 2", await CurlAsync($"https://127.0.0.1:{HttpsPort}/", "--http2"));
    }

    [SystemdFact]
    public async Task ReloadPutsTheReplacedCertificateOnNewHandshakes()
    {
        // --user: the server reads its certificate in place. The files live behind symlinks in a
        // folder nobody watches and change in place, so only systemctl reload (SIGHUP) can tell it.
        const int port = 9443;
        using var renewed = new TestCertificates();
        await _container.RunAsync(["useradd", "--system", "--no-create-home", "shopuser"]);
        await _container.CopyInAsync(_native.Certificates.CertificatePem, "/srv/store/cert.pem", mode: "0600", owner: "shopuser:shopuser");
        await _container.CopyInAsync(_native.Certificates.KeyPem, "/srv/store/key.pem", mode: "0600", owner: "shopuser:shopuser");
        await _container.RunAsync(["sh", "-c", "mkdir -p /etc/shopuser && ln -s /srv/store/cert.pem /etc/shopuser/cert.pem && ln -s /srv/store/key.pem /etc/shopuser/key.pem"]);
        await InstallUnitsAsync("shopuser", Binary, "--port", $"{port}", "--http-port", "0", "--user", "shopuser",
            "--cert", "/etc/shopuser/cert.pem", "--key", "/etc/shopuser/key.pem");
        await _container.RunAsync(["systemctl", "start", "shopuser.socket", "shopuser.service"]);
        Assert.Equal(_native.Certificates.Certificate.GetCertHashString(), await ServedThumbprintAsync(port));

        await _container.CopyInAsync(renewed.KeyPem, "/srv/store/key.pem", mode: "0600", owner: "shopuser:shopuser");
        await _container.CopyInAsync(renewed.CertificatePem, "/srv/store/cert.pem", mode: "0600", owner: "shopuser:shopuser");
        await _container.RunAsync(["systemctl", "reload", "shopuser.service"]);

        await Poll.UntilAsync(async () => await ServedThumbprintAsync(port) == renewed.Certificate.GetCertHashString(),
            Deadline, "the renewed certificate on a new handshake");
        await JournalShowsAsync("shopuser.service", "Certificate reloaded");
    }

    [SystemdFact]
    public async Task TwoRestartsUnderLoadLoseNoRequest()
    {
        await _container.RunAsync(["systemctl", "start", "shop.service"]);
        await using var load = StrictLoad.Start(HttpsPort, http2: true, namespacePid: _container.InitPid);
        string pid = await PropertyAsync("shop.service", "MainPID");
        await ServedByAsync(pid);

        for (int restart = 0; restart < 2; restart++)
        {
            await _container.RunAsync(["systemctl", "restart", "shop.service"]);
            string next = await PropertyAsync("shop.service", "MainPID");
            Assert.NotEqual(pid, next);
            pid = next;
            await ServedByAsync(pid);
        }

        Assert.True(load.AllRunning, "a client stopped before the second restart was done");
        StrictLoad.AssertNothingLost(await load.StopAsync(), _output);
    }

    [SystemdFact]
    public async Task AcmeServiceGetsItsCertificateOnTheSocketsSystemdHoldsAndKeepsItInItsStateDirectory()
    {
        // Pebble runs in the container's network, so it and the service reach each other on its loopback.
        const int port = 9444;
        const int httpPort = 9081;
        const string domain = "shop.test";
        await using var pebble = await PebbleFixture.StartAsync(new PebbleOptions(HttpPort: httpPort, TlsPort: port, NetworkOf: _container.InitPid));
        using var root = new TempDirectory();
        string rootFile = Path.Combine(root.Path, "pebble-root.pem");
        await File.WriteAllTextAsync(rootFile, pebble.IssuingRoot.ExportCertificatePem());
        await _container.CopyInAsync(pebble.CaFile, "/etc/shopacme/pebble.pem");
        // Root-only, as deploy leaves it: the dynamic user gets it from systemd (LoadCredential=), not from the file.
        await _container.RunAsync(["chmod", "0600", "/etc/shopacme/pebble.pem"]);
        await InstallUnitsAsync("shopacme", Binary, "--port", $"{port}", "--http-port", $"{httpPort}", "--acme-domain", domain,
            "--acme-directory", pebble.DirectoryUrl.ToString(), "--acme-ca-file", "/etc/shopacme/pebble.pem");
        await _container.RunAsync(["systemctl", "start", "shopacme.socket", "shopacme-http.socket"]);

        // The first connection starts the service; it orders over TLS-ALPN-01 on the socket systemd passed.
        string[] verified = ["curl", "--silent", "--cacert", rootFile, "--resolve", $"{domain}:{port}:127.0.0.1", "--output", "/dev/null",
            "--max-time", "10", "--write-out", "%{http_code} %{http_version}", "--http2", $"https://{domain}:{port}/"];
        try
        {
            await Poll.UntilAsync(async () => (await CommandRun.RunAsync([.. _container.InNetwork, .. verified])).Output == "200 2",
                Deadline, $"a certificate for {domain} that verifies against Pebble's root, over HTTP/2");
        }
        catch (TimeoutException e)
        {
            Assert.Fail($"{e.Message}\n{await JournalAsync("shopacme.service")}\n{pebble.Log}");
        }

        // systemctl status said which name was being ordered; once served, it says only where the server listens.
        await Poll.UntilAsync(async () => await PropertyAsync("shopacme.service", "StatusText") is var text && text.StartsWith("Listening on", StringComparison.Ordinal)
            && !text.Contains("ordering", StringComparison.Ordinal), Deadline, "the status without 'ordering' once the certificate is served");

        // The state folder systemd made for the dynamic user: private, and every file in it 0600.
        string modes = (await _container.RunAsync(["find", "/var/lib/private/shopacme", "-printf", "%m %y %P\n"])).Output;
        Assert.Contains($"600 f acme/127.0.0.1_{pebble.DirectoryUrl.Port}_dir/{domain}/cert.pem", modes);
        Assert.All(modes.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Matches(@"^(700 d|600 f) ", line));

        // A restart serves the stored certificate; no second order.
        await _container.RunAsync(["systemctl", "restart", "shopacme.service"]);
        Assert.Equal("200 2", (await CommandRun.RunAsync([.. _container.InNetwork, .. verified])).AssertSucceeded().Output);
        Assert.Equal(1, await pebble.CountInLogAsync("Added order"));
        await _container.RunAsync(["systemctl", "stop", "shopacme.service", "shopacme.socket", "shopacme-http.socket"]);
    }

    [SystemdFact]
    public async Task MetricsSocketServesPrometheusOnLoopbackAndAScrapeStartsTheServer()
    {
        // The app built with metrics, as a user who wants them builds it; plain HTTP keeps this test to the metrics.
        const string binary = "/usr/local/bin/metered";
        const int port = 8082;
        const int metricsPort = 9100;
        await _container.CopyInAsync(await _native.WithMetricsAsync(), binary, mode: "0755");
        await InstallUnitsAsync("metered", binary, "--port", $"{port}", "--metrics-port", $"{metricsPort}");
        await _container.RunAsync(["systemctl", "start", "metered.socket", "metered-metrics.socket"]);

        // A scrape alone starts the stopped server, as any connection to its sockets does.
        Assert.Equal("200 1.1", await CurlAsync($"http://127.0.0.1:{metricsPort}/metrics"));
        Assert.Equal("active", await PropertyAsync("metered.service", "ActiveState"));
        Assert.Equal("200 1.1", await CurlAsync($"http://127.0.0.1:{port}/api/greeting"));
        string scrape = await RunInNetworkAsync(["curl", "--silent", "--max-time", "20", $"http://127.0.0.1:{metricsPort}/metrics"]);
        // The app's endpoints are not on the metrics socket, and the metrics not on the app's.
        Assert.Equal("404 1.1", await CurlAsync($"http://127.0.0.1:{metricsPort}/api/greeting"));
        Assert.Equal("404 1.1", await CurlAsync($"http://127.0.0.1:{port}/metrics"));
        // The socket systemd holds is bound to loopback alone, whatever the server would choose.
        string listening = await PropertyAsync("metered-metrics.socket", "Listen");

        Assert.Contains("http_server_request_duration_seconds_count{http_request_method=\"GET\",http_response_status_code=\"200\",http_route=\"/api/greeting\"", scrape);
        Assert.Equal($"127.0.0.1:{metricsPort} (Stream)", listening);
        await _container.RunAsync(["systemctl", "stop", "metered.service", "metered.socket", "metered-metrics.socket"]);
    }

    [SystemdFact]
    public async Task AnOtlpKeyGivenAsASecretReachesTheReceiverFromTheDynamicUser()
    {
        // A collector beside the server that checks a key: on the container's loopback, as the README's recipe has it.
        const string Key = "Bearer k3y-from-a-credential";
        await using var receiver = await OtlpReceiver.StartAsync(requireHeader: $"Authorization: {Key}", inNetwork: _container.InNetwork);
        const string binary = "/usr/local/bin/pushed";
        await _container.CopyInAsync(await _native.WithMetricsAsync(), binary, mode: "0755");
        using var folder = new TempDirectory();
        string headers = Path.Combine(folder.Path, "otlp-headers");
        File.WriteAllText(headers, $"Authorization: {Key}\n");
        // Root's alone: the dynamic user reads systemd's copy, at /run/credentials/UNIT ($CREDENTIALS_DIRECTORY).
        await _container.CopyInAsync(headers, "/etc/pushed/otlp-headers", mode: "0600");
        await InstallUnitsAsync("pushed", binary, "--port", "8083", "--secret", "otlp-headers=/etc/pushed/otlp-headers", "--",
            "--otlp-endpoint", receiver.Endpoint.ToString(), "--otlp-interval", "1", "--otlp-headers-file", "/run/credentials/pushed.service/otlp-headers");
        await _container.RunAsync(["systemctl", "start", "pushed.socket"]);

        // The first request starts the server; its next push counts it.
        Assert.Equal("200 1.1", await CurlAsync("http://127.0.0.1:8083/api/greeting"));
        await receiver.WaitForAsync(request => OtlpReceiver.RouteCount(request, "/api/greeting") == 1, Deadline);
        string journal = await JournalAsync("pushed.service");
        await _container.RunAsync(["systemctl", "stop", "pushed.service", "pushed.socket"]);

        Assert.Empty(receiver.Errors);
        Assert.Contains("OTLP pushes carry the headers", journal, StringComparison.Ordinal);
        Assert.DoesNotContain("k3y", journal, StringComparison.Ordinal);
    }

    /// <summary>Waits until the process has logged <see cref="AnswersPerProcess"/> answers: it really served the load.</summary>
    private Task ServedByAsync(string pid) => Poll.UntilAsync(async () =>
        (await _container.RunAsync(["sh", "-c", $"journalctl _PID={pid} -o cat --no-pager | grep -c StatusCode"], check: false)).Output.Trim()
            is var count && int.TryParse(count, CultureInfo.InvariantCulture, out int answers) && answers >= AnswersPerProcess,
        Deadline, $"process {pid} to answer {AnswersPerProcess} requests of the load");

    private async Task<bool> IsInstalledAsync(string name) =>
        (await _container.RunAsync(["test", "-e", $"/etc/systemd/system/{name}.service"], check: false)).ExitCode == 0;

    /// <summary>Writes the units with <c>apphost service</c> on this machine, and installs them as its README says.</summary>
    /// <param name="options">apphost service's, and after "--" the app's own.</param>
    private async Task InstallUnitsAsync(string name, string binary, params string[] options)
    {
        using var folder = new TempDirectory();
        (await AppHostTool.RunAsync(folder.Path, ["service", name, "--binary", binary, "--output", folder.Path, .. options])).AssertSucceeded();
        foreach (string unit in Directory.GetFiles(folder.Path))
        {
            await _container.CopyInAsync(unit, $"/etc/systemd/system/{Path.GetFileName(unit)}");
        }

        await _container.RunAsync(["systemctl", "daemon-reload"]);
    }

    private async Task<string> PropertyAsync(string unit, string property) =>
        (await _container.RunAsync(["systemctl", "show", "--value", "--property", property, unit])).Output.Trim();

    /// <summary>Waits until the unit's journal (systemd's own lines and the server's) holds the text.</summary>
    private Task JournalShowsAsync(string unit, string text) => Poll.UntilAsync(async () =>
        (await JournalAsync(unit)).Contains(text, StringComparison.Ordinal),
        Deadline, $"\"{text}\" in the journal of {unit}");

    private async Task<string> JournalAsync(string unit) =>
        (await _container.RunAsync(["journalctl", "--unit", unit, "--no-pager", "-o", "cat"])).Output;

    /// <summary>curl, on this machine, in the container's network: "STATUS HTTP-VERSION", then what <paramref name="alsoWrite"/> asks for.</summary>
    private async Task<string> CurlAsync(string url, string protocol = "--http1.1", string alsoWrite = "") =>
        (await RunInNetworkAsync(["curl", "--silent", "--insecure", "--output", "/dev/null", "--max-time", "20",
            "--write-out", "%{http_code} %{http_version}" + alsoWrite, protocol, url])).Trim();

    /// <summary>The SHA-1 thumbprint of the certificate a new handshake gets, read with openssl in the container's network.</summary>
    private async Task<string> ServedThumbprintAsync(int port)
    {
        string output = await RunInNetworkAsync(["sh", "-c",
            $"openssl s_client -connect 127.0.0.1:{port} -servername localhost </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha1"]);
        // "sha1 Fingerprint=AB:CD:..." in the form X509Certificate.GetCertHashString() gives.
        return output.Trim().Split('=')[1].Replace(":", "", StringComparison.Ordinal);
    }

    private async Task<string> RunInNetworkAsync(IReadOnlyList<string> command) =>
        (await CommandRun.RunAsync([.. _container.InNetwork, .. command])).AssertSucceeded().Output;
}
