using System.CommandLine;
using AppHost.Cli.CommandLine;
using AppHost.Cli.Commands.Image;

namespace AppHost.Cli.Commands.Publish;

/// <summary>
/// <c>apphost publish [PROJECT|DIR] [--rid RID]... [-o DIR] [-c CONFIG] [--no-smoke] [--container [--port N]]</c>:
/// one file per target, NativeAOT where this machine can build it, reported with its size, sha256
/// and glibc; with --container, also its OCI image archive, and for linux-x64 and linux-arm64 together
/// one multi-platform image of both (<see cref="PublishedImage"/>).
/// </summary>
internal static class PublishCommand
{
    public static Command Create()
    {
        var project = new Argument<string?>("project")
        {
            Description = "The app's .csproj, or its solution folder. Default: the current folder.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var rid = CommonOptions.Rids();
        var output = CommonOptions.Output("Folder for the file. Default: artifacts/publish/RID of the app's solution.");
        var configuration = new Option<string>("--configuration", "-c") { Description = "Build configuration.", DefaultValueFactory = _ => "Release", HelpName = "name" };
        var noSmoke = new Option<bool>("--no-smoke") { Description = "Do not start the file to check it answers /healthz and stops on SIGTERM." };
        var container = new Option<bool>("--container") { Description = "Also make an OCI image archive of the file, artifacts/container/RID/NAME.tar, with no container engine or registry (see apphost image)." };
        var port = ImageCommand.Port();

        var command = new Command("publish", "Publish the app as one file: NativeAOT when this machine can build it for the RID, else a trimmed self-contained single file.")
        {
            project, rid, output, configuration, noSmoke, container, port,
        };
        command.SetAction((parsed, cancel) => RunAsync(
            parsed.GetValue(project), parsed.GetValue(rid) ?? [], parsed.GetValue(output), parsed.GetValue(configuration)!, !parsed.GetValue(noSmoke),
            parsed.GetValue(container) ? parsed.GetValue(port) : null, cancel));
        return command;
    }

    /// <param name="containerPort">With --container, the port the image declares; null for no image.</param>
    /// <param name="rids">Each --rid; none for this machine's own.</param>
    private static async Task<int> RunAsync(string? projectPath, string[] rids, string? output, string configuration, bool smoke, int? containerPort, CancellationToken cancel)
    {
        using var log = CliLog.Create();
        bool chosenHere = rids.Length == 0;
        RuntimeTarget[] targets = chosenHere ? [ParseRid(null)] : [.. rids.Distinct().Select(ParseRid)];
        if (targets.Length > 1 && output is not null)
        {
            throw new CliException(ExitCodes.Usage, $"-o names the folder of one file, and {targets.Length} RIDs were given; leave out -o (each goes to artifacts/publish/RID) or publish one RID at a time");
        }

        if (containerPort is int port)
        {
            ImageCommand.CheckPort(port);
            Array.ForEach(targets, PublishedImage.CheckTarget);
        }

        var reports = new List<PublishReport>();
        foreach (var target in targets)
        {
            var report = await AppPublisher.PublishAsync(projectPath, target, chosenHere, output, configuration, smoke, log, cancel);
            report.WriteTo(Console.Out);
            reports.Add(report);
        }

        if (containerPort is int imagePort)
        {
            foreach (var image in await PublishedImage.BuildAsync(reports, imagePort, log, cancel))
            {
                image.WriteTo(Console.Out);
            }
        }

        return ExitCodes.Success;
    }

    /// <param name="rid">A --rid, or null for this machine's own.</param>
    private static RuntimeTarget ParseRid(string? rid)
    {
        try
        {
            return rid is null ? RuntimeTarget.Of(HostMachine.Current()) : RuntimeTarget.Parse(rid);
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.Usage, e.Message);
        }
    }
}
