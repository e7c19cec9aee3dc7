namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// The template's sample app, built beside these tests against this repository's AppHost.Server:
/// the server every test runs as a real process.
/// </summary>
public static class SampleApp
{
    /// <summary>The JIT-compiled build, apphostsample.dll.</summary>
    public static readonly string Built = RunningApp.Built("apphostsample");

    /// <summary>A folder of the sample app's source (src/Templates/apphost/src/AppHostSample/...), found upwards from the tests.</summary>
    public static string SourceFolder(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string folder = Path.Combine(dir.FullName, "src", "Templates", "apphost", "src", "AppHostSample", name);
            if (Directory.Exists(folder))
            {
                return folder;
            }
        }

        throw new DirectoryNotFoundException($"the sample app's {name} folder was not found above {AppContext.BaseDirectory}");
    }

    /// <summary>Starts the build on 127.0.0.1, port 0, plus <paramref name="args"/>, and waits until it listens.</summary>
    public static Task<RunningApp> StartAsync(params string[] args) => RunningApp.StartAsync(Built, args);

    /// <summary>Starts the build, or a native file, with environment variables, and waits until it listens.</summary>
    public static Task<RunningApp> StartAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment, string? executable = null) =>
        RunningApp.StartAsync(executable ?? Built, args, environment);

    /// <summary>Starts the build, or a native file, with exactly <paramref name="args"/>, without waiting for anything.</summary>
    public static AppProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? executable = null,
        IReadOnlyList<string>? launcher = null) =>
        AppProcess.Start(executable ?? Built, args, environment, launcher);
}
