using System.CommandLine;
using AppHost.Cli.CommandLine;
using AppHost.Cli.Commands.Image;

namespace AppHost.Cli.Commands.Publish;

/// <summary>
/// <c>apphost publish [PROJECT|DIR] [--rid RID] [-o DIR] [-c CONFIG] [--no-smoke] [--container [--port N]]</c>:
/// one file for the target, NativeAOT where this machine can build it, reported with its size, sha256
/// and glibc; with --container, also its OCI image archive (<see cref="PublishedImage"/>).
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
        var rid = CommonOptions.Rid();
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
            parsed.GetValue(project), parsed.GetValue(rid), parsed.GetValue(output), parsed.GetValue(configuration)!, !parsed.GetValue(noSmoke),
            parsed.GetValue(container) ? parsed.GetValue(port) : null, cancel));
        return command;
    }

    /// <param name="containerPort">With --container, the port the image declares; null for no image.</param>
    private static async Task<int> RunAsync(string? projectPath, string? rid, string? output, string configuration, bool smoke, int? containerPort, CancellationToken cancel)
    {
        using var log = CliLog.Create();
        var target = ParseRid(rid, out bool chosenHere);
        if (containerPort is int port)
        {
            ImageCommand.CheckPort(port);
            PublishedImage.CheckTarget(target);
        }

        var report = await AppPublisher.PublishAsync(projectPath, target, chosenHere, output, configuration, smoke, log, cancel);
        report.WriteTo(Console.Out);
        if (containerPort is int imagePort)
        {
            foreach (var image in await PublishedImage.BuildAsync(report, imagePort, log, cancel))
            {
                image.WriteTo(Console.Out);
            }
        }

        return ExitCodes.Success;
    }

    /// <param name="rid">--rid, or null for this machine's own.</param>
    /// <param name="chosenHere">Whether the RID was this machine's, not the user's, so the log says which it chose.</param>
    private static RuntimeTarget ParseRid(string? rid, out bool chosenHere)
    {
        chosenHere = rid is null;
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
