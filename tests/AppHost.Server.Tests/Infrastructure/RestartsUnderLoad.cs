using System.Runtime.InteropServices;
using Xunit.Abstractions;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// The zero-loss restart, as systemd does it: the app serves a socket the test holds, clients that
/// never resend load it, and the app is stopped with SIGTERM and started again twice. Nothing may fail.
/// </summary>
public static class RestartsUnderLoad
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    // Requests each app must answer, under the load, before it is restarted: proof the load reaches it.
    private const int ServedBeforeRestart = 200;

    /// <param name="socket">The held socket the app serves.</param>
    /// <param name="args">The app's command line.</param>
    /// <param name="loadPort">Where the clients connect on 127.0.0.1: the socket itself, or a balancer in front of it.</param>
    /// <param name="output">Where each client's counts are written.</param>
    /// <param name="beforeLoad">What to wait for once the first app runs, before the load starts.</param>
    public static async Task AssertTwoLoseNothingAsync(HeldSocket socket, string[] args, int loadPort, ITestOutputHelper output,
        Func<RunningApp, Task>? beforeLoad = null)
    {
        var app = await socket.StartAppAsync(args);
        try
        {
            await (beforeLoad?.Invoke(app) ?? Task.CompletedTask);
            await using var load = StrictLoad.Start(loadPort, http2: true);
            await ServedRequests.MoreAsync(app, ServedBeforeRestart, Deadline);

            for (int restart = 0; restart < 2; restart++)
            {
                app.Process.Signal(PosixSignal.SIGTERM);
                Assert.Equal(0, await app.Process.WaitForExitAsync(Deadline));
                await app.DisposeAsync();

                app = await socket.StartAppAsync(args);
                await ServedRequests.MoreAsync(app, ServedBeforeRestart, Deadline);
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
