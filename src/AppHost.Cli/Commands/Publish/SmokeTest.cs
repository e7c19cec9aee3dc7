using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using AppHost.Cli.CommandLine;

namespace AppHost.Cli.Commands.Publish;

/// <summary>
/// Runs the published file as a server would be run: on a port the system picks on loopback,
/// checks /healthz answers 200, stops it with SIGTERM and expects exit code 0.
/// </summary>
internal static class SmokeTest
{
    // Generous for a loaded machine: a healthy native app answers in well under a second.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);
    private const int SigTerm = 15;

    public static async Task RunAsync(string file, CancellationToken cancel)
    {
        // --port 0: the app binds a free port itself and names it in its start-up event, so no
        // other process can take the port between choosing it and listening on it.
        var info = new ProcessStartInfo(file)
        {
            ArgumentList = { "--host", "127.0.0.1", "--port", "0", "--log-format", "json" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync(cancel);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        try
        {
            deadline.CancelAfter(StartTimeout);
            var address = await ReadAddressAsync(process, deadline.Token)
                ?? throw Failed($"it exited with code {await ExitCodeAsync(process)} before listening: {LastLine(await stderr)}");
            await CheckHealthAsync(address, deadline.Token);
            if (OperatingSystem.IsWindows())
            {
                // Windows has no SIGTERM to send another process; stopping it is all that can be checked.
                process.Kill();
                return;
            }

            _ = Kill(process.Id, SigTerm);
            deadline.CancelAfter(StopTimeout);
            await process.WaitForExitAsync(deadline.Token);
            if (process.ExitCode != 0)
            {
                throw Failed($"it exited with code {process.ExitCode} after SIGTERM: {LastLine(await stderr)}");
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw Failed(process.HasExited ? "it did not answer in time" : $"it did not answer /healthz and stop within {(StartTimeout + StopTimeout).TotalSeconds} s");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <returns>The first address of the start-up event, or null when the app exits first.</returns>
    private static async Task<Uri?> ReadAddressAsync(Process process, CancellationToken cancel)
    {
        while (await process.StandardOutput.ReadLineAsync(cancel) is { } line)
        {
            if (line.StartsWith('{') && JsonDocument.Parse(line).RootElement.TryGetProperty("Addresses", out var addresses))
            {
                // Keep reading so the app never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                return new Uri(addresses.GetString()!.Split(", ")[0]);
            }
        }

        return null;
    }

    private static async Task CheckHealthAsync(Uri address, CancellationToken cancel)
    {
        using var client = new HttpClient();
        using var response = await client.GetAsync(new Uri(address, "/healthz"), cancel);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw Failed($"GET /healthz answered {(int)response.StatusCode}");
        }
    }

    private static async Task<int> ExitCodeAsync(Process process)
    {
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    private static CliException Failed(string why) =>
        new(ExitCodes.SmokeTestFailed, $"smoke test failed: {why}; run the file yourself to see its log, or skip this check with --no-smoke");

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no output)";

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
