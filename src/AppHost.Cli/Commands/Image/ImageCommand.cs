using System.CommandLine;
using AppHost.Cli.CommandLine;
using AppHost.Cli.Commands.Image.Debian;

namespace AppHost.Cli.Commands.Image;

/// <summary>
/// <c>apphost image FILE... [-o DIR] [--version V] [--source URL] [--revision SHA] [--port N]</c>:
/// OCI image archives of native files <c>apphost publish</c> made, with no container engine and no
/// registry. A verb of its own, beside <c>apphost publish --container</c>, so that files published
/// once (in CI, say, for both processors) become an image without a second native build.
/// </summary>
internal static class ImageCommand
{
    /// <summary>The server's own default --port (ServerDefaults.Port), which an app that sets no other listens on.</summary>
    public const int DefaultPort = 8080;

    public static Command Create()
    {
        var files = new Argument<string[]>("file")
        {
            Description = "Native files made by apphost publish, one per processor: artifacts/publish/linux-x64/NAME, artifacts/publish/linux-arm64/NAME.",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = CommonOptions.Output("Folder for the archives. Default: artifacts/container beside the files' artifacts/publish.");
        var version = new Option<string?>("--version") { Description = "The image's version label and tag. Default: tag latest, no label.", HelpName = "version" };
        var source = new Option<string?>("--source") { Description = "The image's source label: the repository's URL.", HelpName = "url" };
        var revision = new Option<string?>("--revision") { Description = "The image's revision label: the commit it was built from.", HelpName = "sha" };
        var port = Port();

        var command = new Command("image", "Make an OCI image archive of published native files (one per processor, and a multi-platform one for both), with no container engine or registry.")
        {
            files, output, version, source, revision, port,
        };
        command.SetAction((parsed, cancel) => RunAsync(
            parsed.GetValue(files)!, parsed.GetValue(output), parsed.GetValue(version), parsed.GetValue(source), parsed.GetValue(revision), parsed.GetValue(port), cancel));
        return command;
    }

    /// <summary>--port, shared with apphost publish --container.</summary>
    public static Option<int> Port() => new("--port")
    {
        Description = "The TCP port the image declares (EXPOSE); give the app's --port if it is not the server's default.",
        DefaultValueFactory = _ => DefaultPort,
        HelpName = "port",
    };

    private static async Task<int> RunAsync(string[] files, string? output, string? version, string? source, string? revision, int port, CancellationToken cancel)
    {
        using var log = CliLog.Create();
        foreach (string file in files)
        {
            if (!File.Exists(file))
            {
                throw new CliException(ExitCodes.Usage, $"'{file}' does not exist; give the file apphost publish made (artifacts/publish/RID/NAME)");
            }
        }

        CheckPort(port);
        string[] names = [.. files.Select(Path.GetFileName).Distinct()!];
        if (names.Length != 1)
        {
            throw new CliException(ExitCodes.Usage, $"the files have different names ({string.Join(", ", names)}); give the files of one app");
        }

        string folder = output is null ? DefaultFolder(files[0]) : Path.GetFullPath(output);
        var spec = new ImageSpec(names[0], version, source, revision, port, ImageSpec.CreatedFromEnvironment());
        var cache = new PackageCache(PackageCache.DefaultFolder(), BasePackages.Mirrors, log);
        foreach (var report in await ContainerImageBuilder.BuildAsync([.. files.Select(Path.GetFullPath)], spec, folder, cache, log, cancel))
        {
            report.WriteTo(Console.Out);
        }

        return ExitCodes.Success;
    }

    /// <exception cref="CliException">Not a TCP port, with the rule the server applies to --port.</exception>
    public static void CheckPort(int port)
    {
        if (port is < 1 or > 65535)
        {
            throw new CliException(ExitCodes.Usage, $"--port {port} is not a TCP port; give one from 1 to 65535");
        }
    }

    /// <summary>artifacts/container for a file in artifacts/publish/RID/, as apphost publish lays them out.</summary>
    private static string DefaultFolder(string file)
    {
        var rid = Directory.GetParent(Path.GetFullPath(file))!;
        return rid.Parent is { Name: "publish", Parent: { } artifacts }
            ? Path.Combine(artifacts.FullName, "container")
            : throw new CliException(ExitCodes.Usage, $"'{file}' is not in an artifacts/publish/RID folder; say where the archives go with -o");
    }
}
