using System.Runtime.InteropServices;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Systemd;

/// <summary>
/// With the listening socket held by a parent (systemd, here the test), restarting the app under
/// continuous load loses no request: new connections wait in the kernel's queue while the old
/// process finishes its requests and the new one starts. (An HTTP/2 GET sent as the old process
/// closes its connection is refused with a graceful GOAWAY and sent again, as browsers do.)
/// </summary>
public sealed class ZeroDowntimeRestartTests(CertificatesFixture certificates) : IClassFixture<CertificatesFixture>
{
    private const int HttpTwoClients = 2; // and as many HTTP/1.1 clients
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TwoRestartsUnderLoadLoseNoRequest()
    {
        using var socket = new HeldSocket("https");
        string[] args = ["--cert", certificates.Files.Pfx];
        var app = await socket.StartAppAsync(args);
        var served = new List<int>();
        try
        {
            await using var load = LoadGenerator.Start(app.Address, clients: 2 * HttpTwoClients, retryGracefulClose: true);
            await load.AnswersAsync(100, Deadline);

            for (int restart = 0; restart < 2; restart++)
            {
                app.Process.Signal(PosixSignal.SIGTERM);
                Assert.Equal(0, await app.Process.WaitForExitAsync(Deadline));
                served.Add(app.LogEvents().Count(e => e.TryGetProperty("StatusCode", out _)));
                await app.DisposeAsync();

                app = await socket.StartAppAsync(args);
                await load.AnswersAsync(100, Deadline);
            }

            var (succeeded, failures) = await load.StopAsync();
            Assert.True(failures.Count == 0, $"{failures.Count} requests failed:\n{string.Join("\n", failures)}");
            Assert.True(succeeded >= 300);
            // At most one GET per HTTP/2 client and restart can cross the old process's closing
            // GOAWAY on the wire; the client sends it again (LoadGenerator), as a browser would.
            Assert.InRange(load.Retried, 0, HttpTwoClients * 2);
            // Each of the processes that were stopped did serve: the load really spanned the restarts.
            Assert.All(served, count => Assert.True(count > 0));
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}
