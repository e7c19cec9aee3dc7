using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using AppHost.Cli.Cli;

namespace AppHost.Cli.Commands.Publish;

/// <summary>
/// Runs the published file as a server would be run: on a free loopback port, checks /healthz
/// answers 200, stops it with SIGTERM and expects exit code 0.
/// </summary>
internal static class SmokeTest
{
    // Generous for a loaded machine: a healthy native app answers in well under a second.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);
    private const int SigTerm = 15;

    public static async Task RunAsync(string file, CancellationToken cancel)
    {
        int port = FreePort();
        var info = new ProcessStartInfo(file)
        {
            ArgumentList = { "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--log-level", "warning" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync(cancel);
        _ = process.StandardOutput.ReadToEndAsync(cancel);
        try
        {
            await WaitForHealthAsync(process, port, cancel);
            if (OperatingSystem.IsWindows())
            {
                // Windows has no SIGTERM to send another process; stopping it is all that can be checked.
                process.Kill();
                return;
            }

            _ = Kill(process.Id, SigTerm);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            stop.CancelAfter(StopTimeout);
            await process.WaitForExitAsync(stop.Token);
            if (process.ExitCode != 0)
            {
                throw Failed($"it exited with code {process.ExitCode} after SIGTERM: {LastLine(await stderr)}");
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw Failed($"it did not exit within {StopTimeout.TotalSeconds} s of SIGTERM");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task WaitForHealthAsync(Process process, int port, CancellationToken cancel)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw Failed($"it exited with code {process.ExitCode} before answering: {LastLine(await process.StandardError.ReadToEndAsync(cancel))}");
            }

            try
            {
                using var response = await client.GetAsync($"http://127.0.0.1:{port}/healthz", cancel);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            // Pacing between attempts, not synchronisation: the loop ends on an answer or the deadline.
            await Task.Delay(20, cancel);
        }

        throw Failed($"GET /healthz did not answer 200 within {StartTimeout.TotalSeconds} s");
    }

    private static CliException Failed(string why) =>
        new(ExitCodes.SmokeTestFailed, $"smoke test failed: {why}; run the file yourself to see its log, or skip this check with --no-smoke");

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no output)";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
