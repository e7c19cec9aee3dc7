using System.Buffers.Binary;
using System.Text;

namespace AppHost.Cli.Commands.Publish;

/// <summary>
/// Reads from an ELF file the newest glibc symbol version it needs (GLIBC_2.34, say): the oldest
/// glibc, and so the oldest Linux distribution, it runs on. Needs no tool such as objdump.
/// </summary>
internal static class GlibcRequirement
{
    private const uint VersionNeedsSection = 0x6ffffffe; // SHT_GNU_verneed
    private const string Prefix = "GLIBC_";

    /// <returns>The version, or null for a file that is not a little-endian ELF file or needs no glibc version.</returns>
    public static Version? Read(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[5] != 1)
        {
            return null;
        }

        bool is64 = elf[4] == 2;
        var sections = ReadSections(elf, is64);
        Version? newest = null;
        foreach (var needs in sections.Where(s => s.Type == VersionNeedsSection))
        {
            var strings = sections[(int)needs.Link];
            foreach (string name in VersionNames(elf, needs, strings))
            {
                if (name.StartsWith(Prefix, StringComparison.Ordinal) && Version.TryParse(name[Prefix.Length..], out var version) && (newest is null || version > newest))
                {
                    newest = version;
                }
            }
        }

        return newest;
    }

    private readonly record struct Section(uint Type, long Offset, uint Link, uint Info);

    private static List<Section> ReadSections(byte[] elf, bool is64)
    {
        // Offsets of e_shoff, e_shentsize and e_shnum in the ELF header, and of the section
        // header fields, differ between the 32-bit and 64-bit layouts.
        long tableOffset = is64 ? (long)U64(elf, 0x28) : U32(elf, 0x20);
        int entrySize = U16(elf, is64 ? 0x3A : 0x2E);
        int count = U16(elf, is64 ? 0x3C : 0x30);
        var sections = new List<Section>(count);
        for (int i = 0; i < count; i++)
        {
            int at = checked((int)(tableOffset + (long)i * entrySize));
            sections.Add(is64
                ? new Section(U32(elf, at + 4), (long)U64(elf, at + 0x18), U32(elf, at + 0x28), U32(elf, at + 0x2C))
                : new Section(U32(elf, at + 4), U32(elf, at + 0x10), U32(elf, at + 0x18), U32(elf, at + 0x1C)));
        }

        return sections;
    }

    // Verneed entries (one per library) each lead to Vernaux entries (one per version); both
    // have the same 16-byte layout in 32-bit and 64-bit files. Info holds the Verneed count.
    private static IEnumerable<string> VersionNames(byte[] elf, Section needs, Section strings)
    {
        long need = needs.Offset;
        for (uint i = 0; i < needs.Info; i++)
        {
            long aux = need + U32(elf, (int)need + 8);
            for (int j = 0; j < U16(elf, (int)need + 2); j++)
            {
                yield return ReadString(elf, strings.Offset + U32(elf, (int)aux + 8));
                aux += U32(elf, (int)aux + 12);
            }

            need += U32(elf, (int)need + 12);
        }
    }

    private static string ReadString(byte[] elf, long offset)
    {
        int start = checked((int)offset);
        int end = Array.IndexOf(elf, (byte)0, start);
        return Encoding.ASCII.GetString(elf, start, end - start);
    }

    private static ushort U16(byte[] b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at));

    private static uint U32(byte[] b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));

    private static ulong U64(byte[] b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at));
}
