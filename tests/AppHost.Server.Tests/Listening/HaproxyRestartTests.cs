using System.Net;
using AppHost.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace AppHost.Server.Tests.Listening;

/// <summary>
/// Behind HAProxy, checking /healthz as a balancer in production does, the server restarts twice
/// on a socket the test holds (as systemd holds it) while clients that never resend load it
/// through HAProxy: no request fails. In the native app's collection, so it never shares the cores
/// with the restart test under systemd.
/// </summary>
[Collection(NativeAppCollection.Name)]
public sealed class HaproxyRestartTests(CertificatesFixture certificates, ITestOutputHelper output) : IClassFixture<CertificatesFixture>
{
    private static readonly IPAddress Backend = IPAddress.Parse("127.0.0.2");
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TwoRestartsBehindHaproxyLoseNoRequest()
    {
        using var socket = new HeldSocket("https");
        await using var haproxy = await Haproxy.StartAsync(IPAddress.Loopback, Backend, socket.Port, version: 2, healthChecks: true);

        await RestartsUnderLoad.AssertTwoLoseNothingAsync(socket, ["--cert", certificates.Files.Pfx, "--forwarded-by", Backend.ToString(), "--proxy-protocol"],
            haproxy.Port, output,
            // HAProxy's first check reaches the server through the PROXY header and TLS.
            beforeLoad: app => app.Process.WaitForOutputAsync(
                l => l.Contains("\"Path\":\"/healthz\"", StringComparison.Ordinal) && l.Contains("\"StatusCode\":200", StringComparison.Ordinal), Deadline));
    }
}
