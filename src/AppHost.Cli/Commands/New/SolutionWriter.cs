using AppHost.Cli.CommandLine;

namespace AppHost.Cli.Commands.New;

/// <summary>
/// Writes a rendered solution to its folder all at once: it is assembled in a hidden sibling
/// folder and moved into place, so a failure never leaves half a solution, and an existing
/// folder with anything in it is never touched.
/// </summary>
internal static class SolutionWriter
{
    public static void Write(IReadOnlyList<TemplateFile> files, string directory)
    {
        if (File.Exists(directory) || (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any()))
        {
            throw new CliException(ExitCodes.Usage, $"'{directory}' already exists and is not empty; choose another folder with -o");
        }

        string parent = Path.GetDirectoryName(directory)!;
        string staging = Path.Combine(parent, $".{Path.GetFileName(directory)}.{Guid.NewGuid():N}.partial");
        try
        {
            Directory.CreateDirectory(parent);
            foreach (var file in files)
            {
                string path = Path.Combine(staging, file.Path);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, file.Content);
                if (!OperatingSystem.IsWindows() && path.EndsWith(".sh", StringComparison.Ordinal))
                {
                    File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
                }
            }

            if (Directory.Exists(directory))
            {
                Directory.Delete(directory);
            }

            Directory.Move(staging, directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Failure, $"cannot create '{directory}': {e.Message}", e);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }
}
