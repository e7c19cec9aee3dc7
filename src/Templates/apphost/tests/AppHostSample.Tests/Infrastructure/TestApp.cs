using System.Text.Json;

namespace AppHostSample.Tests.Infrastructure;

/// <summary>
/// A running server on an ephemeral loopback port, started as a real process, ready once it has
/// printed its "Listening on" line. Disposing it kills the process if it is still running.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    /// <summary>Generous, for a loaded CI machine; a healthy start takes well under a second.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private TestApp(AppProcess process, Uri address)
    {
        Process = process;
        Address = address;
    }

    public AppProcess Process { get; }

    /// <summary>The address the server printed, for example https://127.0.0.1:41234/.</summary>
    public Uri Address { get; }

    /// <summary>
    /// Starts the app listening on 127.0.0.1 on a port the system picks, plus <paramref name="args"/>,
    /// and waits for its start-up line. Output is redirected, so logs are JSON.
    /// </summary>
    public static Task<TestApp> StartAsync(params string[] args) => StartAsync(args, environment: null);

    public static async Task<TestApp> StartAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment, string? executable = null,
        IReadOnlyList<string>? launcher = null)
    {
        var process = AppProcess.Start(["--host", "127.0.0.1", "--port", "0", .. args], environment, executable, launcher);
        return await AttachAsync(process);
    }

    /// <summary>Waits for an app already started to print where it listens.</summary>
    public static async Task<TestApp> AttachAsync(AppProcess process)
    {
        try
        {
            string line = await process.WaitForOutputAsync(l => l.Contains("\"Addresses\"", StringComparison.Ordinal), StartTimeout);
            string addresses = JsonDocument.Parse(line).RootElement.GetProperty("Addresses").GetString()!;
            return new TestApp(process, new Uri(addresses.Split(", ")[0]));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>The JSON log events printed so far, parsed.</summary>
    public IReadOnlyList<JsonElement> LogEvents() =>
        [.. Process.StandardOutput.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)];

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
