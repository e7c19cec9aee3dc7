using AppHost.Cli.CommandLine;

namespace AppHost.Cli.Commands.Publish;

/// <summary>
/// Moves a finished publish out of its staging folder: the one file into the publish folder
/// (replacing the previous one only now that the new one is complete), symbols to theirs.
/// </summary>
internal static class ArtifactCollector
{
    private static readonly string[] SymbolExtensions = [".dbg", ".pdb", ".dSYM"];

    /// <returns>The path of the published file.</returns>
    public static string Collect(string staging, string fileName, ArtifactLayout layout)
    {
        Directory.CreateDirectory(layout.SymbolsDirectory);
        foreach (string entry in Directory.EnumerateFileSystemEntries(staging).Where(e => SymbolExtensions.Contains(Path.GetExtension(e))))
        {
            string target = Path.Combine(layout.SymbolsDirectory, Path.GetFileName(entry));
            if (Directory.Exists(entry))
            {
                if (Directory.Exists(target))
                {
                    Directory.Delete(target, recursive: true);
                }

                Directory.Move(entry, target);
            }
            else
            {
                File.Move(entry, target, overwrite: true);
            }
        }

        string[] rest = [.. Directory.EnumerateFileSystemEntries(staging).Select(Path.GetFileName)!];
        if (rest.Length != 1 || rest[0] != fileName)
        {
            throw new CliException(ExitCodes.Failure, $"the publish made {string.Join(", ", rest)} where one file, {fileName}, was expected; is the project an app made by apphost?");
        }

        Directory.CreateDirectory(layout.PublishDirectory);
        string published = Path.Combine(layout.PublishDirectory, fileName);
        File.Move(Path.Combine(staging, fileName), published, overwrite: true);
        return published;
    }
}
