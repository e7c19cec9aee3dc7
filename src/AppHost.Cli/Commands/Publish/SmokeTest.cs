using System.Net;
using System.Runtime.InteropServices;
using AppHost.Cli.CommandLine;
using AppHost.Testing;

namespace AppHost.Cli.Commands.Publish;

/// <summary>
/// Runs the published file as a server would be run: on a port the system picks on loopback,
/// checks /healthz answers 200, stops it with SIGTERM and expects exit code 0. The file is run
/// the way an app's own tests run it (AppHost.Testing), ready once it has written its ready file.
/// </summary>
internal static class SmokeTest
{
    // Generous for a loaded machine: a healthy native app stops in well under a second.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    public static async Task RunAsync(string file, CancellationToken cancel)
    {
        RunningApp app;
        try
        {
            app = await RunningApp.StartAsync(file, ["--log-format", "json"], environment: null).WaitAsync(cancel);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            throw Failed(e.Message);
        }

        await using (app)
        {
            await CheckHealthAsync(app.Address, cancel);
            if (OperatingSystem.IsWindows())
            {
                // Windows has no SIGTERM to send another process; stopping it is all that can be checked.
                return;
            }

            app.Process.Signal(PosixSignal.SIGTERM);
            int exitCode;
            try
            {
                exitCode = await app.Process.WaitForExitAsync(StopTimeout).WaitAsync(cancel);
            }
            catch (TimeoutException)
            {
                throw Failed($"it did not stop within {StopTimeout.TotalSeconds} s of SIGTERM");
            }

            if (exitCode != 0)
            {
                throw Failed($"it exited with code {exitCode} after SIGTERM: {app.Process.StandardError.LastOrDefault() ?? "(no output)"}");
            }
        }
    }

    private static async Task CheckHealthAsync(Uri address, CancellationToken cancel)
    {
        using var client = new HttpClient { Timeout = RunningApp.StartTimeout };
        HttpResponseMessage response;
        try
        {
            response = await client.GetAsync(new Uri(address, "/healthz"), cancel);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
        {
            throw Failed($"GET /healthz got no answer: {e.Message}");
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw Failed($"GET /healthz answered {(int)response.StatusCode}");
            }
        }
    }

    private static CliException Failed(string why) =>
        new(ExitCodes.SmokeTestFailed, $"smoke test failed: {why}; run the file yourself to see its log, or skip this check with --no-smoke");
}
