using System.Runtime.InteropServices;
using AppHost.Cli.CommandLine;
using AppHost.Cli.Commands.Image.Debian;
using AppHost.Cli.Commands.Publish;
using Serilog;

namespace AppHost.Cli.Commands.Image;

/// <summary>
/// <c>apphost publish --container</c>: the images of the files just published (and for files of two
/// processors, one multi-platform image), labelled from their project (Version, RepositoryUrl) and
/// the commit of its folder, in artifacts/container.
/// </summary>
internal static class PublishedImage
{
    /// <summary>Refuses, before the minute of compiling, a target no image is made for.</summary>
    public static void CheckTarget(RuntimeTarget target)
    {
        if (target.Os != TargetOs.Linux || target.Architecture is not (Architecture.X64 or Architecture.Arm64))
        {
            throw new CliException(ExitCodes.Usage, $"--container makes Linux images, not {target.Rid}; use --rid linux-x64 or --rid linux-arm64");
        }

        var plan = PublishPlanner.Decide(target, HostMachine.Current());
        if (plan.Mode != PublishMode.Native)
        {
            throw new CliException(ExitCodes.Usage, $"--container needs a NativeAOT file, which this machine cannot make for {target.Rid} ({plan.Note}); publish on a Linux machine");
        }
    }

    /// <param name="published">The files of one project, one per RID.</param>
    public static async Task<IReadOnlyList<ImageReport>> BuildAsync(IReadOnlyList<PublishReport> published, int port, ILogger log, CancellationToken cancel)
    {
        var app = published[0].App;
        var spec = new ImageSpec(app.AssemblyName, app.Version, app.RepositoryUrl, await GitRevision.ReadAsync(app.SolutionRoot, cancel), port, ImageSpec.CreatedFromEnvironment());
        var cache = new PackageCache(PackageCache.DefaultFolder(), BasePackages.Mirrors, log);
        return await ContainerImageBuilder.BuildAsync([.. published.Select(p => p.Path)], spec, Path.Combine(app.SolutionRoot, "artifacts", "container"), cache, log, cancel);
    }
}
