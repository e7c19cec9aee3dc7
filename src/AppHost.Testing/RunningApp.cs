using System.Text.Json;

namespace AppHost.Testing;

/// <summary>
/// A running server on an ephemeral loopback port, started as a real process, ready once it has
/// printed its "Listening on" line. Disposing it kills the process if it is still running.
/// </summary>
public sealed class RunningApp : IAsyncDisposable
{
    /// <summary>Generous, for a loaded CI machine; a healthy start takes well under a second.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private RunningApp(AppProcess process, Uri address)
    {
        Process = process;
        Address = address;
    }

    /// <summary>The process, to signal it, wait for it, or read what it printed.</summary>
    public AppProcess Process { get; }

    /// <summary>The first address the server printed, for example https://127.0.0.1:41234/.</summary>
    public Uri Address { get; }

    /// <summary>
    /// The app's build beside the tests: a test project that references the app's project gets
    /// its <c>NAME.dll</c> copied into its own output folder.
    /// </summary>
    /// <param name="name">The app's assembly name, for example "shop".</param>
    /// <returns>The path of the .dll.</returns>
    public static string Built(string name) => Path.Combine(AppContext.BaseDirectory, name + ".dll");

    /// <summary>
    /// Starts the app listening on 127.0.0.1 on a port the system picks, plus <paramref name="args"/>,
    /// and waits for its start-up line. Output is redirected, so logs are JSON.
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
    public static async Task<RunningApp> StartAsync(string app, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment,
        IReadOnlyList<string>? launcher = null)
    {
        var process = AppProcess.Start(app, ["--host", "127.0.0.1", "--port", "0", .. args], environment, launcher);
        return await AttachAsync(process);
    }

    /// <summary>Waits for an app already started to print where it listens.</summary>
    /// <param name="process">The app's process; it must log JSON (its output redirected).</param>
    /// <returns>The app, listening.</returns>
    public static async Task<RunningApp> AttachAsync(AppProcess process)
    {
        try
        {
            string line = await process.WaitForOutputAsync(l => l.Contains("\"Addresses\"", StringComparison.Ordinal), StartTimeout);
            string addresses = JsonDocument.Parse(line).RootElement.GetProperty("Addresses").GetString()!;
            return new RunningApp(process, new Uri(addresses.Split(", ")[0]));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>The JSON log events printed so far, parsed.</summary>
    /// <returns>One element per event.</returns>
    public IReadOnlyList<JsonElement> LogEvents() =>
        [.. Process.StandardOutput.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)];

    /// <summary>Kills the app if it is still running.</summary>
    /// <returns>A task that completes once it has exited.</returns>
    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
