using System.Formats.Tar;

namespace AppHost.Cli.Commands.Image.Oci;

/// <summary>
/// A tar whose bytes depend on its entries alone: sorted by path, every owner root (uid and gid 0,
/// no names), every time the same, ustar headers (PAX would add access and change times).
/// </summary>
internal static class ReproducibleTar
{
    /// <param name="entries">In any order; a folder above an entry that has none is added (0755).</param>
    /// <param name="time">The modification time of every entry.</param>
    public static byte[] Write(IEnumerable<LayerEntry> entries, DateTimeOffset time)
    {
        var byPath = new SortedDictionary<string, LayerEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            byPath[entry.Path] = entry;
        }

        foreach (string path in byPath.Keys.ToList())
        {
            for (string? parent = Path.GetDirectoryName(path); !string.IsNullOrEmpty(parent); parent = Path.GetDirectoryName(parent))
            {
                byPath.TryAdd(parent, LayerEntry.Folder(parent));
            }
        }

        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var entry in byPath.Values)
            {
                writer.WriteEntry(TarEntryOf(entry, time));
            }
        }

        return tar.ToArray();
    }

    private static UstarTarEntry TarEntryOf(LayerEntry entry, DateTimeOffset time)
    {
        var tar = entry.Kind switch
        {
            LayerEntryKind.Folder => new UstarTarEntry(TarEntryType.Directory, entry.Path + "/"),
            LayerEntryKind.SymbolicLink => new UstarTarEntry(TarEntryType.SymbolicLink, entry.Path) { LinkName = entry.LinkTarget! },
            _ => new UstarTarEntry(TarEntryType.RegularFile, entry.Path) { DataStream = new MemoryStream(entry.Content!) },
        };
        tar.Mode = entry.Mode;
        tar.ModificationTime = time;
        tar.Uid = 0;
        tar.Gid = 0;
        tar.UserName = "";
        tar.GroupName = "";
        return tar;
    }
}
