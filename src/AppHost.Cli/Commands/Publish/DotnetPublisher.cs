using AppHost.Cli.CommandLine;

namespace AppHost.Cli.Commands.Publish;

/// <summary>Runs <c>dotnet publish</c> for a plan, showing progress, and on failure shows the compiler's error lines only.</summary>
internal static class DotnetPublisher
{
    // Enough to see every distinct error of a typical failure; the rest is the same error again.
    private const int MaxErrorLines = 20;

    public static async Task RunAsync(AppProject app, RuntimeTarget target, PublishPlan plan, string configuration, string outputDirectory, CancellationToken cancel)
    {
        string[] args =
        [
            "publish", app.ProjectPath, "-c", configuration, "-r", target.Rid, "-o", outputDirectory,
            "-nologo", "-v:minimal", "-clp:NoSummary",
            .. plan.Properties.Select(p => "-p:" + p),
        ];
        using var progress = new PublishProgress(plan.Mode, Console.Error, live: !Console.IsErrorRedirected);
        var result = await Dotnet.RunAsync(args, cancel, progress.Observe);
        progress.Complete();

        if (result.ExitCode != 0)
        {
            string[] errors = [.. result.AllLines.Where(l => l.Contains(": error ", StringComparison.Ordinal)).Select(Shorten).Distinct().Take(MaxErrorLines)];
            throw new CliException(ExitCodes.BuildFailed, $"dotnet publish failed (exit code {result.ExitCode}); its errors:")
            {
                Details = errors.Length > 0 ? errors : [.. result.AllLines.Where(l => l.Trim().Length > 0).TakeLast(MaxErrorLines).Select(l => l.Trim())],
            };
        }
    }

    /// <summary>Drops the " [/path/to/project.csproj]" MSBuild appends to every line.</summary>
    private static string Shorten(string line)
    {
        line = line.Trim();
        int project = line.LastIndexOf(" [", StringComparison.Ordinal);
        return project > 0 && line.EndsWith(']') ? line[..project] : line;
    }
}
