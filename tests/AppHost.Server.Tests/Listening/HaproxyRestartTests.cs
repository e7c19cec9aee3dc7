using System.Net;
using System.Runtime.InteropServices;
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
        string[] args = ["--cert", certificates.Files.Pfx, "--forwarded-by", Backend.ToString(), "--proxy-protocol"];
        var app = await socket.StartAppAsync(args);
        try
        {
            await using var haproxy = await Haproxy.StartAsync(IPAddress.Loopback, Backend, socket.Port, version: 2, healthChecks: true);
            // HAProxy's first check reaches the server through the PROXY header and TLS.
            await app.Process.WaitForOutputAsync(l => l.Contains("\"Path\":\"/healthz\"", StringComparison.Ordinal) && l.Contains("\"StatusCode\":200", StringComparison.Ordinal), Deadline);
            await using var load = StrictLoad.Start(haproxy.Port, http2: true);
            await ServedRequests.MoreAsync(app, 200, Deadline);

            for (int restart = 0; restart < 2; restart++)
            {
                app.Process.Signal(PosixSignal.SIGTERM);
                Assert.Equal(0, await app.Process.WaitForExitAsync(Deadline));
                await app.DisposeAsync();

                app = await socket.StartAppAsync(args);
                await ServedRequests.MoreAsync(app, 200, Deadline);
            }

            Assert.True(load.AllRunning, "a client stopped before the second restart was done");
            StrictLoad.AssertNothingLost(await load.StopAsync(), output);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
