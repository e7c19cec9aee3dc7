namespace AppHost.Server.Tests.Infrastructure;

/// <summary>The apphost command-line tool of this repository, built with the tests (a project reference), run as users run it.</summary>
public static class AppHostTool
{
    /// <summary>Runs <c>dotnet apphost.dll</c> with the arguments and returns its output; fails the test on a non-zero exit.</summary>
    public static async Task<string> RunAsync(params string[] args) => (await HostCommand.RunAsync(["dotnet", ToolPath(), .. args])).Output;

    /// <summary>src/AppHost.Cli/bin/CONFIGURATION/net10.0/apphost.dll, for the configuration these tests were built in.</summary>
    private static string ToolPath()
    {
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        string configuration = framework.Parent!.Name;
        for (var dir = framework; dir is not null; dir = dir.Parent)
        {
            string tool = Path.Combine(dir.FullName, "src", "AppHost.Cli", "bin", configuration, framework.Name, "apphost.dll");
            if (File.Exists(tool))
            {
                return tool;
            }
        }

        throw new FileNotFoundException($"apphost.dll ({configuration}) not found above {AppContext.BaseDirectory}; build the solution first");
    }
}
