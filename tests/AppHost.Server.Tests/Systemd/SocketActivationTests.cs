using System.Globalization;
using System.Net;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Systemd;

/// <summary>
/// Under socket activation (systemd-socket-activate passes the sockets as systemd does), the
/// server serves on the sockets it is given: "https" with TLS, "http" with the redirect.
/// </summary>
public sealed class SocketActivationTests(CertificatesFixture certificates) : IClassFixture<CertificatesFixture>
{
    [Fact]
    public async Task NamedSocketsServeHttpsAndTheRedirect()
    {
        int https = FreePorts.Take();
        int http = FreePorts.Take();
        await using var app = await StartActivatedAsync(https, http);
        using var client = TestClients.Http2(new Uri($"https://127.0.0.1:{https}"), certificates.Files.Certificate);
        using var plain = TestClients.Http11(new Uri($"http://localhost:{http}"));

        using var served = await client.GetAsync("/healthz");
        using var redirected = await plain.GetAsync("/api/greeting?name=socket");

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpVersion.Version20, served.Version);
        Assert.Equal(HttpStatusCode.PermanentRedirect, redirected.StatusCode);
        Assert.Equal($"https://localhost:{https}/api/greeting?name=socket", redirected.Headers.Location?.ToString());
        Assert.Contains(app.LogEvents(), e => e.GetProperty("@mt").GetString()!.StartsWith("Serving on {Count} sockets passed by systemd", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InheritedSocketsAreClosedOnExec()
    {
        await using var app = await StartActivatedAsync(FreePorts.Take(), FreePorts.Take());

        foreach (int descriptor in new[] { 3, 4 })
        {
            // fdinfo's flags are octal; O_CLOEXEC is 02000000.
            string flags = File.ReadLines($"/proc/{app.Process.Id}/fdinfo/{descriptor}").First(l => l.StartsWith("flags:", StringComparison.Ordinal));
            long value = Convert.ToInt64(flags["flags:".Length..].Trim(), 8);
            Assert.True((value & 0x80000) != 0, $"descriptor {descriptor} is not close-on-exec ({flags})");
        }
    }

    private async Task<RunningApp> StartActivatedAsync(int https, int http)
    {
        string readyFile = RunningApp.NewReadyFile();
        var process = SampleApp.Start(["--cert", certificates.Files.Pfx, "--ready-file", readyFile], launcher:
        [
            "systemd-socket-activate",
            "-l", $"127.0.0.1:{https.ToString(CultureInfo.InvariantCulture)}", "--fdname=https",
            "-l", $"127.0.0.1:{http.ToString(CultureInfo.InvariantCulture)}", "--fdname=http",
        ]);

        // Like systemd, systemd-socket-activate starts the server when the first client connects.
        await Poll.UntilAsync(() => Poll.CanConnectAsync(https), RunningApp.StartTimeout, "systemd-socket-activate listening");
        return await RunningApp.AttachAsync(process, readyFile);
    }
}
