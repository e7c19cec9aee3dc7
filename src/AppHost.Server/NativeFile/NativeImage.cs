using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AppHost.NativeFile;

/// <summary>
/// The running program's own file, as its ELF headers describe it (elf(5)): where a named section
/// is in memory, and which parts of memory are mapped read-only from the file. Read from
/// /proc/self/exe, so it describes this very process.
/// </summary>
internal sealed class NativeImage
{
    // Elf64_Ehdr: the file header.
    private const int FileHeaderSize = 64;
    private const int EntryPoint = 0x18; // e_entry
    private const int ProgramHeadersAt = 0x20; // e_phoff
    private const int SectionHeadersAt = 0x28; // e_shoff
    private const int ProgramHeaderRowSize = 0x36; // e_phentsize
    private const int ProgramHeaderCount = 0x38; // e_phnum
    private const int SectionHeaderRowSize = 0x3A; // e_shentsize
    private const int SectionHeaderCount = 0x3C; // e_shnum
    private const int SectionNamesIndex = 0x3E; // e_shstrndx

    // Elf64_Phdr: one row per segment.
    private const int ProgramHeaderSize = 56;
    private const int SegmentType = 0x00; // p_type
    private const int SegmentFlags = 0x04; // p_flags
    private const int SegmentFileOffset = 0x08; // p_offset
    private const int SegmentVirtualAddress = 0x10; // p_vaddr
    private const int SegmentFileSize = 0x20; // p_filesz
    private const uint Loadable = 1; // PT_LOAD
    private const uint ProgramHeaders = 6; // PT_PHDR: the program header table itself
    private const uint Writable = 2; // PF_W

    // Elf64_Shdr: one row per section.
    private const int SectionHeaderSize = 64;
    private const int SectionName = 0x00; // sh_name: offset into the section names
    private const int SectionVirtualAddress = 0x10; // sh_addr
    private const int SectionFileOffset = 0x18; // sh_offset
    private const int SectionSize = 0x20; // sh_size

    // getauxval(3): where the kernel mapped this program's entry point and program headers.
    private const nuint EntryPointAuxiliary = 9; // AT_ENTRY
    private const nuint ProgramHeadersAuxiliary = 3; // AT_PHDR

    // Far above what a linker writes (this app's file has 38 sections and 14 program headers); a file
    // claiming more is not one to trust. Section names are a few hundred bytes.
    private const int MaxRows = 1024;
    private const int MaxSectionNames = 64 * 1024;

    // The tables are kept as the file's own rows: a type of our own for them would add generic
    // collection code for that type to the native file (2 KB, measured).
    private readonly nint _loadBias;
    private readonly byte[][] _segments;
    private readonly byte[][] _sections;
    private readonly byte[] _sectionNames;

    private NativeImage(nint loadBias, byte[][] segments, byte[][] sections, byte[] sectionNames)
    {
        _loadBias = loadBias;
        _segments = segments;
        _sections = sections;
        _sectionNames = sectionNames;
    }

    /// <returns>
    /// This process's image, or null when it is not a 64-bit little-endian ELF file or its headers
    /// disagree with where the kernel says it put the program.
    /// </returns>
    /// <exception cref="IOException">/proc/self/exe cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">/proc/self/exe cannot be opened.</exception>
    public static NativeImage? OfThisProcess()
    {
        using SafeFileHandle file = File.OpenHandle("/proc/self/exe");
        byte[] header = Read(file, 0, FileHeaderSize);
        // "\x7fELF", then class 2 (64-bit) and data 1 (little-endian).
        if (header.Length < FileHeaderSize || !header.AsSpan(0, 6).SequenceEqual((ReadOnlySpan<byte>)[0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1])
            || U16(header, ProgramHeaderRowSize) != ProgramHeaderSize || U16(header, SectionHeaderRowSize) != SectionHeaderSize)
        {
            return null;
        }

        byte[][] segments = Table(file, U64(header, ProgramHeadersAt), U16(header, ProgramHeaderCount), ProgramHeaderSize);
        byte[][] sections = Table(file, U64(header, SectionHeadersAt), U16(header, SectionHeaderCount), SectionHeaderSize);
        int namesIndex = U16(header, SectionNamesIndex);
        byte[] names = namesIndex < sections.Length
            ? Read(file, U64(sections[namesIndex], SectionFileOffset), (int)Math.Min(U64(sections[namesIndex], SectionSize), MaxSectionNames))
            : [];

        // The kernel placed the file at some address (ASLR); the distance from the entry point the
        // file names to the one the kernel used is how far everything moved. The program headers
        // moved by the same distance, or these are not the headers of the program that runs.
        nint loadBias = (nint)GetAuxiliaryValue(EntryPointAuxiliary) - (nint)U64(header, EntryPoint);
        byte[]? table = Array.Find(segments, s => U32(s, SegmentType) == ProgramHeaders);
        if (table is null || loadBias + (nint)U64(table, SegmentVirtualAddress) != (nint)GetAuxiliaryValue(ProgramHeadersAuxiliary))
        {
            return null;
        }

        return new NativeImage(loadBias, segments, sections, names);
    }

    /// <returns>Where the section is in this process's memory, or null if the file has no such section.</returns>
    public nint? SectionAddress(ReadOnlySpan<byte> name)
    {
        foreach (byte[] section in _sections)
        {
            // Names are NUL-terminated strings in the section names; sh_name is where this one starts.
            uint start = U32(section, SectionName);
            ReadOnlySpan<byte> named = start < _sectionNames.Length ? _sectionNames.AsSpan((int)start) : [];
            if (named.Length > name.Length && named.StartsWith(name) && named[name.Length] == 0 && U64(section, SectionVirtualAddress) != 0)
            {
                return _loadBias + (nint)U64(section, SectionVirtualAddress);
            }
        }

        return null;
    }

    /// <returns>Whether [<paramref name="start"/>, start + <paramref name="length"/>) is inside a part of the file that is mapped.</returns>
    public bool IsMapped(nint start, int length) => FindSegment(start, start + length) is not null;

    /// <returns>
    /// Where [<paramref name="start"/>, <paramref name="end"/>) lies in the file, if all of it is
    /// mapped from the file read-only: memory that is only ever read, never written. (A file
    /// built with text relocations would break that promise; linkers refuse them for position-
    /// independent programs such as NativeAOT's unless told otherwise.)
    /// </returns>
    public long? ReadOnlyFileOffset(nint start, nint end) =>
        FindSegment(start, end) is { } segment && (U32(segment, SegmentFlags) & Writable) == 0
            ? (long)U64(segment, SegmentFileOffset) + (start - (_loadBias + (nint)U64(segment, SegmentVirtualAddress)))
            : null;

    /// <returns>The PT_LOAD row whose bytes from the file hold all of [start, end), if any.</returns>
    private byte[]? FindSegment(nint start, nint end)
    {
        foreach (byte[] segment in _segments)
        {
            nint first = _loadBias + (nint)U64(segment, SegmentVirtualAddress);
            if (U32(segment, SegmentType) == Loadable && start >= first && end >= start && end <= first + (nint)U64(segment, SegmentFileSize))
            {
                return segment;
            }
        }

        return null;
    }

    /// <summary>The rows of the program or section header table; none if the header's counts are implausible.</summary>
    private static byte[][] Table(SafeFileHandle file, ulong offset, int rows, int rowSize)
    {
        byte[] table = rows <= MaxRows ? Read(file, offset, rows * rowSize) : [];
        var result = new byte[table.Length / rowSize][];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = table.AsSpan(i * rowSize, rowSize).ToArray();
        }

        return result;
    }

    /// <returns>Up to <paramref name="length"/> bytes: fewer at the end of the file, none past it.</returns>
    private static byte[] Read(SafeFileHandle file, ulong offset, int length)
    {
        if (offset > long.MaxValue)
        {
            return [];
        }

        byte[] buffer = new byte[length];
        int read = RandomAccess.Read(file, buffer, (long)offset);
        return read == length ? buffer : buffer.AsSpan(0, read).ToArray();
    }

    private static ushort U16(byte[] data, int at) => BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(at));

    private static uint U32(byte[] data, int at) => BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at));

    private static ulong U64(byte[] data, int at) => BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(at));

    [DllImport("libc", EntryPoint = "getauxval")]
    private static extern nuint GetAuxiliaryValue(nuint type);
}
