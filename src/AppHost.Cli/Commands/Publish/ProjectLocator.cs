using System.Text.Json;
using AppHost.Cli.CommandLine;

namespace AppHost.Cli.Commands.Publish;

/// <summary>Finds the app project from what the user gave: a .csproj, a folder holding one, or the app's solution folder.</summary>
internal static class ProjectLocator
{
    public static async Task<AppProject> FindAsync(string? given, CancellationToken cancel)
    {
        string path = Path.GetFullPath(given ?? ".");
        string project = File.Exists(path) ? CheckProjectFile(path)
            : Directory.Exists(path) ? FindInFolder(path)
            : throw new CliException(ExitCodes.Usage, $"'{path}' does not exist; give the app's .csproj or its solution folder");

        var properties = await ReadPropertiesAsync(project, cancel);
        string outputType = properties.GetValueOrDefault("OutputType", "");
        if (!outputType.Equals("Exe", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException(ExitCodes.Usage, $"'{project}' is not an executable project (OutputType '{outputType}'); give the app's project, the one with OutputType Exe");
        }

        return new AppProject(project, properties["AssemblyName"], SolutionRootOf(project),
            NullIfEmpty(properties.GetValueOrDefault("Version")), NullIfEmpty(properties.GetValueOrDefault("RepositoryUrl")));
    }

    private static string CheckProjectFile(string path) => path.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase)
        ? path
        : throw new CliException(ExitCodes.Usage, $"'{path}' is not a .csproj file; give the app's .csproj or its solution folder");

    private static string FindInFolder(string folder)
    {
        string[] here = Directory.GetFiles(folder, "*.csproj");
        if (here.Length == 1)
        {
            return here[0];
        }

        // A solution folder as the template makes it: the app is the executable project under src/.
        string[] apps = Directory.Exists(Path.Combine(folder, "src"))
            ? [.. Directory.GetFiles(Path.Combine(folder, "src"), "*.csproj", SearchOption.AllDirectories)
                .Where(p => File.ReadAllText(p).Contains("<OutputType>Exe</OutputType>", StringComparison.OrdinalIgnoreCase))]
            : [];
        string[] candidates = here.Length > 1 ? here : apps;
        return candidates.Length switch
        {
            1 => candidates[0],
            0 => throw new CliException(ExitCodes.Usage, $"no app project in '{folder}' (looked for a .csproj there and an executable project under src/); give the .csproj"),
            _ => throw new CliException(ExitCodes.Usage, $"'{folder}' holds several projects ({string.Join(", ", candidates.Select(Path.GetFileName))}); give the one to publish"),
        };
    }

    private static async Task<Dictionary<string, string>> ReadPropertiesAsync(string project, CancellationToken cancel)
    {
        // MSBuild's own evaluation, so Directory.Build.props and conditions count as in a build.
        var result = await Dotnet.RunAsync(["msbuild", project, "-getProperty:OutputType", "-getProperty:AssemblyName", "-getProperty:Version", "-getProperty:RepositoryUrl"], cancel);
        if (result.ExitCode != 0)
        {
            throw new CliException(ExitCodes.Usage, $"'{project}' could not be read as a project: {result.AllLines.LastOrDefault(l => l.Trim().Length > 0)?.Trim()}");
        }

        using var json = JsonDocument.Parse(string.Join('\n', result.Output));
        return json.RootElement.GetProperty("Properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string SolutionRootOf(string project)
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(project)!); dir is not null; dir = dir.Parent)
        {
            if (dir.EnumerateFiles("*.sln").Any() || dir.EnumerateFiles("*.slnx").Any())
            {
                return dir.FullName;
            }
        }

        return Path.GetDirectoryName(project)!;
    }
}
