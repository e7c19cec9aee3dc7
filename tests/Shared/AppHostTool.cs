namespace AppHost.Tests.Shared;

/// <summary>The apphost command-line tool of this repository, built with the tests, run as users run it: <c>dotnet apphost.dll</c>.</summary>
public static class AppHostTool
{
    // Long enough for `apphost publish`, a native build; the other verbs end in seconds.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>apphost.dll beside the tests (a project reference copies it there) or in src/AppHost.Cli/bin/CONFIGURATION/net10.0/.</summary>
    public static string Path { get; } = Find();

    /// <summary>Runs <c>apphost</c> with the arguments in <paramref name="directory"/>.</summary>
    public static Task<CommandRun> RunAsync(string directory, params string[] args) =>
        CommandRun.RunAsync([CommandRun.DotnetHost(), "exec", Path, .. args], directory, Timeout);

    private static string Find()
    {
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        string beside = System.IO.Path.Combine(framework.FullName, "apphost.dll");
        if (File.Exists(beside))
        {
            return beside;
        }

        string configuration = framework.Parent!.Name;
        for (var dir = framework; dir is not null; dir = dir.Parent)
        {
            string tool = System.IO.Path.Combine(dir.FullName, "src", "AppHost.Cli", "bin", configuration, framework.Name, "apphost.dll");
            if (File.Exists(tool))
            {
                return tool;
            }
        }

        throw new FileNotFoundException($"apphost.dll ({configuration}) not found above {AppContext.BaseDirectory}; build the solution first");
    }
}
