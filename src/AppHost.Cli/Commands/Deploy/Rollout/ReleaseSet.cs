using AppHost.Cli.CommandLine;

namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>
/// The files of one deploy, at most one per processor: a fleet of x64 and arm64 hosts takes one of
/// each, given as repeated <c>--binary</c> or published by deploy itself. Each host gets the file of its processor.
/// </summary>
internal sealed class ReleaseSet
{
    private readonly IReadOnlyDictionary<string, ReleaseFile> _byMachine;
    private readonly ReleaseFile _first;

    private ReleaseSet(IReadOnlyList<ReleaseFile> files)
    {
        _first = files[0];
        _byMachine = files.ToDictionary(file => file.Machine, StringComparer.Ordinal);
    }

    /// <summary>Reads the files given with --binary.</summary>
    /// <exception cref="CliException">A file is missing or no Linux x64 or arm64 program, or two are for one processor (exit 2).</exception>
    public static ReleaseSet Read(IReadOnlyList<string> paths)
    {
        var files = paths.Select(ReleaseFile.Read).ToList();
        foreach (var twins in files.GroupBy(file => file.Machine).Where(group => group.Count() > 1))
        {
            throw new CliException(ExitCodes.Usage,
                $"--binary {string.Join(" and ", twins.Select(file => $"'{file.Path}'"))} are all for {twins.Key}; give one file per processor (x86_64, aarch64)");
        }

        return new ReleaseSet(files);
    }

    /// <summary>The files published for each processor, as deploy without --binary makes them.</summary>
    public static ReleaseSet Of(IReadOnlyList<ReleaseFile> published) => new(published);

    /// <summary>
    /// The file for a host of this processor (uname -m). A host whose processor has none gets the first
    /// file, which the preflight then refuses with both processors named.
    /// </summary>
    public ReleaseFile For(string machine) => _byMachine.GetValueOrDefault(machine) ?? _first;
}
