using AppHost.Cli.CommandLine;
using Serilog;

namespace AppHost.Cli.Commands.Publish;

/// <summary>
/// Publishes an app as one file for a target, and smoke-tests it where it runs: what
/// <c>apphost publish</c> does, and what <c>apphost deploy</c> does for each processor of its hosts.
/// </summary>
internal static class AppPublisher
{
    /// <param name="projectPath">The .csproj or its solution folder; null for the current folder.</param>
    /// <param name="chosenHere">Whether the target is this machine's own, not the user's choice, so the log says so.</param>
    /// <param name="output">-o, or null for artifacts/publish/RID.</param>
    public static async Task<PublishReport> PublishAsync(string? projectPath, RuntimeTarget target, bool chosenHere, string? output, string configuration, bool smoke,
        ILogger log, CancellationToken cancel)
    {
        var host = HostMachine.Current();
        var plan = PublishPlanner.Decide(target, host);
        if (plan.Missing is { } missing)
        {
            throw new CliException(ExitCodes.MissingPrerequisite, $"NativeAOT for {target.Rid} needs {missing.What}, which this machine lacks: {missing.Install}");
        }

        var app = await ProjectLocator.FindAsync(projectPath, cancel);
        if (plan.Note is not null)
        {
            log.Information("{Note}", plan.Note);
        }

        var layout = ArtifactLayout.For(app.SolutionRoot, target.Rid, output);
        string staging = Path.Combine(Path.GetDirectoryName(layout.PublishDirectory)!, $".{target.Rid}.{Guid.NewGuid():N}.partial");
        string file;
        try
        {
            log.Information(chosenHere ? "Publishing {Project} for {Rid}, this machine's own (--rid picks another) ({Configuration})" : "Publishing {Project} for {Rid} ({Configuration})",
                Path.GetFileName(app.ProjectPath), target.Rid, configuration);
            await DotnetPublisher.RunAsync(app, target, plan, configuration, staging, cancel);
            file = ArtifactCollector.Collect(staging, target.FileName(app.AssemblyName), layout);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }

        var report = PublishReport.Create(file, app, plan.Mode, target, layout);
        if (!smoke)
        {
            log.Information("Smoke test skipped (--no-smoke)");
        }
        else if (!host.CanRun(target))
        {
            log.Information("Smoke test skipped: a {Rid} file does not run on this machine", target.Rid);
        }
        else
        {
            await SmokeTest.RunAsync(file, cancel);
            log.Information("Smoke test passed: /healthz answered 200 and SIGTERM stopped it with exit code 0");
        }

        return report;
    }
}
