namespace AppHost.Files;

/// <summary>
/// Writes a file so that readers, and a crash, see the old content or the new, never half of one:
/// a temporary file in the same folder (so the rename stays on one file system), flushed to disk,
/// then renamed over the target (rename(2) is atomic).
/// </summary>
internal static class AtomicFile
{
    /// <summary>rw for the owner only: state files hold private keys.</summary>
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Options that create the file 0600 at open(2), so a key is never readable by others, not even
    /// briefly. On Windows the file inherits the folder's ACL (the user's profile), which is private.
    /// </summary>
    public static FileStreamOptions PrivateOptions(FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = Mode;
        }

        return options;
    }

    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        byte[] copy = content.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    public static void Write(string path, string text) => Write(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <param name="path">The file to replace or create.</param>
    /// <param name="write">Writes the new content; if it throws, the old file stays as it was.</param>
    public static void Write(string path, Action<Stream> write)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        // The name starts with '.' and ends with '.tmp' so a listing shows it as what it is if a crash leaves it.
        string temporary = Path.Combine(folder, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            using (var stream = new FileStream(temporary, PrivateOptions(FileMode.CreateNew, FileAccess.Write)))
            {
                write(stream);
                stream.Flush(flushToDisk: true); // fsync before the rename: else a crash can leave a renamed, empty file
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
