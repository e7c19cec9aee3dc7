namespace AppHost.Cli.CommandLine;

/// <summary>
/// Writes a verb's output files: none over an existing file unless asked, each whole or not at
/// all (written beside and renamed into place), each with its file mode from the moment it exists.
/// </summary>
internal static class OutputFiles
{
    /// <summary>Readable and writable by the owner only: for private keys.</summary>
    public const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Readable by everyone, as files in /etc/systemd/system are: for files that hold no secret.</summary>
    public const UnixFileMode Public = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <param name="files">The paths and their contents.</param>
    /// <param name="mode">The Unix file mode of every file (ignored on Windows).</param>
    /// <param name="overwrite">Whether existing files may be replaced (--force).</param>
    /// <param name="otherPlace">How to choose another place, for the error message, for example "choose another file with -o".</param>
    public static void WriteAll(IReadOnlyList<(string Path, byte[] Content)> files, UnixFileMode mode, bool overwrite, string otherPlace)
    {
        foreach (var (path, _) in files)
        {
            if (!overwrite && File.Exists(path))
            {
                throw new CliException(ExitCodes.Usage, $"'{path}' already exists; remove it, {otherPlace}, or pass --force");
            }
        }

        foreach (var (path, content) in files)
        {
            string partial = $"{path}.{Guid.NewGuid():N}.partial";
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = mode;
                }

                using (var file = new FileStream(partial, options))
                {
                    file.Write(content);
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
}
