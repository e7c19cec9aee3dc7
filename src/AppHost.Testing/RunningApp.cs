using System.Text.Json;
using AppHost.Contract;

namespace AppHost.Testing;

/// <summary>
/// A running server, started as a real process, ready once it has written its ready file
/// (<c>--ready-file</c>): every listener open, its addresses known. Disposing it kills the process
/// if it is still running.
/// </summary>
public sealed class RunningApp : IAsyncDisposable
{
    /// <summary>Generous, for a loaded CI machine; a healthy start takes well under a second.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    // How often the ready file is looked for: a small fraction of a healthy start.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    private readonly string _readyFile;

    private RunningApp(AppProcess process, string readyFile, Uri address, Uri? redirectAddress, Uri? metricsAddress)
    {
        Process = process;
        _readyFile = readyFile;
        Address = address;
        RedirectAddress = redirectAddress;
        MetricsAddress = metricsAddress;
    }

    /// <summary>The process, to signal it, wait for it, or read what it printed.</summary>
    public AppProcess Process { get; }

    /// <summary>The server's own address, for example https://127.0.0.1:41234/.</summary>
    public Uri Address { get; }

    /// <summary>The address of the plain HTTP listener that redirects to HTTPS (--http-port), or null when there is none.</summary>
    public Uri? RedirectAddress { get; }

    /// <summary>The address of the Prometheus metrics listener (--metrics-port), or null when there is none.</summary>
    public Uri? MetricsAddress { get; }

    /// <summary>
    /// The app's build beside the tests: a test project that references the app's project gets
    /// its <c>NAME.dll</c> copied into its own output folder.
    /// </summary>
    /// <param name="name">The app's assembly name, for example "shop".</param>
    /// <returns>The path of the .dll.</returns>
    public static string Built(string name) => Path.Combine(AppContext.BaseDirectory, name + ".dll");

    /// <summary>
    /// Starts the app listening on 127.0.0.1 on a port the system picks, plus <paramref name="args"/>,
    /// and waits until it is ready. Output is redirected, so logs are JSON.
    /// </summary>
    /// <param name="app">A built app's .dll (see <see cref="Built"/>) or a native file.</param>
    /// <param name="args">More of the command line, for example "--cert", "dev.pfx".</param>
    /// <returns>The app, listening.</returns>
    public static Task<RunningApp> StartAsync(string app, params string[] args) => StartAsync(app, args, environment: null);

    /// <inheritdoc cref="StartAsync(string, string[])"/>
    /// <param name="app">A built app's .dll (see <see cref="Built"/>) or a native file.</param>
    /// <param name="args">More of the command line.</param>
    /// <param name="environment">Variables to set for the app.</param>
    /// <param name="launcher">A program and its arguments that start the app in turn, such as systemd-socket-activate.</param>
    public static Task<RunningApp> StartAsync(string app, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment,
        IReadOnlyList<string>? launcher = null) =>
        LaunchAsync(app, ["--host", "127.0.0.1", "--port", "0", .. args], environment, launcher);

    /// <summary>Starts the app with exactly <paramref name="args"/> (and a ready file), for a test that chooses where it listens.</summary>
    /// <param name="app">A built app's .dll (see <see cref="Built"/>) or a native file.</param>
    /// <param name="args">The whole command line but --ready-file.</param>
    /// <param name="environment">Variables to set for the app.</param>
    /// <param name="launcher">A program and its arguments that start the app in turn, such as systemd-socket-activate.</param>
    /// <returns>The app, listening.</returns>
    public static Task<RunningApp> LaunchAsync(string app, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<string>? launcher = null)
    {
        string readyFile = NewReadyFile();
        return AttachAsync(AppProcess.Start(app, [.. args, OptionNames.ReadyFile, readyFile], environment, launcher), readyFile);
    }

    /// <summary>A path for a ready file that no other run uses, for a process started by other means than this class.</summary>
    /// <returns>A path in the temporary folder; the file does not exist yet.</returns>
    public static string NewReadyFile() => Path.Combine(Path.GetTempPath(), $"apphost-ready-{Guid.NewGuid():N}.json");

    /// <summary>Waits until an app already started with <c>--ready-file <paramref name="readyFile"/></c> is ready.</summary>
    /// <param name="process">The app's process; disposed if it does not get ready.</param>
    /// <param name="readyFile">The path given to --ready-file (see <see cref="NewReadyFile"/>).</param>
    /// <returns>The app, listening.</returns>
    /// <exception cref="TimeoutException">It was not ready within <see cref="StartTimeout"/>.</exception>
    /// <exception cref="InvalidOperationException">It exited first; the message has its exit code and what it said on stderr.</exception>
    public static async Task<RunningApp> AttachAsync(AppProcess process, string readyFile)
    {
        try
        {
            var deadline = DateTime.UtcNow + StartTimeout;
            ReadyFile? ready;
            while ((ready = ReadyFile.TryRead(readyFile)) is null)
            {
                if (process.HasExited)
                {
                    int code = await process.WaitForExitAsync(StartTimeout);
                    throw new InvalidOperationException($"the app exited with code {code} before it was ready: {string.Join(" | ", process.StandardError)}");
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"the app was not ready within {StartTimeout.TotalSeconds} s; stderr: {string.Join(" | ", process.StandardError)}");
                }

                await Task.Delay(PollInterval);
            }

            return new RunningApp(process, readyFile, ready.Server, ready.Redirect, ready.Metrics);
        }
        catch
        {
            await process.DisposeAsync();
            File.Delete(readyFile);
            throw;
        }
    }

    /// <summary>The JSON log events printed so far, parsed.</summary>
    /// <returns>One element per event.</returns>
    public IReadOnlyList<JsonElement> LogEvents() =>
        [.. Process.StandardOutput.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)];

    /// <summary>Kills the app if it is still running.</summary>
    /// <returns>A task that completes once it has exited.</returns>
    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        // A killed server leaves its file behind.
        File.Delete(_readyFile);
    }
}
