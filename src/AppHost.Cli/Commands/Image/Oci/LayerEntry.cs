namespace AppHost.Cli.Commands.Image.Oci;

/// <summary>One file, folder or symbolic link of a layer, as it appears in the image's root.</summary>
/// <param name="Path">Relative to the root, without a leading "/" or "./": usr/lib/x86_64-linux-gnu/libssl.so.3.</param>
/// <param name="Mode">The permission bits (0755, 0644, 01777); the owner is always root, uid and gid 0.</param>
internal sealed record LayerEntry(string Path, LayerEntryKind Kind, UnixFileMode Mode, byte[]? Content = null, string? LinkTarget = null)
{
    /// <summary>Readable by all, writable by root: every file that is not a program.</summary>
    public const UnixFileMode ReadOnlyFile = (UnixFileMode)0b110_100_100;

    /// <summary>Readable and runnable by all, writable by root: programs and folders.</summary>
    public const UnixFileMode Executable = (UnixFileMode)0b111_101_101;

    public static LayerEntry File(string path, byte[] content, UnixFileMode mode = ReadOnlyFile) => new(path, LayerEntryKind.File, mode, content);

    public static LayerEntry Folder(string path, UnixFileMode mode = Executable) => new(path, LayerEntryKind.Folder, mode);

    public static LayerEntry Link(string path, string target) => new(path, LayerEntryKind.SymbolicLink, (UnixFileMode)0b111_111_111, LinkTarget: target);
}

internal enum LayerEntryKind
{
    File,
    Folder,
    SymbolicLink,
}
