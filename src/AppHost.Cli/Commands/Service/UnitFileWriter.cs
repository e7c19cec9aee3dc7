using System.Text;
using AppHost.Cli.CommandLine;

namespace AppHost.Cli.Commands.Service;

/// <summary>
/// Writes unit files into a folder: each whole or not at all (written beside and renamed into
/// place), and none over an existing file unless asked, as <c>apphost cert</c> does.
/// </summary>
internal static class UnitFileWriter
{
    /// <returns>The full paths written, in the order of <paramref name="files"/>.</returns>
    public static IReadOnlyList<string> Write(IReadOnlyList<UnitFile> files, string directory, bool overwrite)
    {
        string[] paths = [.. files.Select(f => Path.Combine(directory, f.FileName))];
        foreach (string path in paths)
        {
            if (!overwrite && File.Exists(path))
            {
                throw new CliException(ExitCodes.Usage, $"'{path}' already exists; remove it, choose another folder with -o, or pass --force");
            }
        }

        for (int i = 0; i < files.Count; i++)
        {
            WriteOne(paths[i], files[i].Content, overwrite);
        }

        return paths;
    }

    private static void WriteOne(string path, string content, bool overwrite)
    {
        string partial = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                // 0644, as the unit files in /etc/systemd/system: they hold paths, no secret.
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            }

            using (var file = new FileStream(partial, options))
            {
                file.Write(Encoding.UTF8.GetBytes(content));
            }

            File.Move(partial, path, overwrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(partial);
            throw new CliException(ExitCodes.Failure, $"cannot write '{path}': {e.Message}", e);
        }
    }
}
