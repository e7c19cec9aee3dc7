using System.Runtime.InteropServices;
using AppHost.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace AppHost.Server.Tests.Systemd;

/// <summary>
/// With the listening socket held by a parent (systemd, here the test), restarting the app under
/// continuous load loses no request, for three kinds of client that never resend one: a new TLS
/// connection per request, keep-alive HTTP/1.1, and HTTP/2 with many streams per connection. New
/// connections wait in the kernel's queue while the old process serves everything already sent
/// to it and the new one starts. The same under a real systemd: <see cref="SystemdServiceTests"/>.
/// </summary>
public sealed class ZeroDowntimeRestartTests(CertificatesFixture certificates, ITestOutputHelper output) : IClassFixture<CertificatesFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TwoRestartsUnderLoadLoseNoRequest()
    {
        using var socket = new HeldSocket("https");
        string[] args = ["--cert", certificates.Files.Pfx];
        var app = await socket.StartAppAsync(args);
        try
        {
            await using var load = StrictLoad.Start(socket.Port, http2: true);
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
