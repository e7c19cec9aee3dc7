using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace AppHostSample.Hosting;

/// <summary>
/// The running program's own file, as its ELF headers describe it: where a named section is in
/// memory, and which parts of memory are mapped read-only from the file. Read from
/// /proc/self/exe, so it describes this very process.
/// </summary>
internal sealed class NativeImage
{
    private const int LoadableSegment = 1; // PT_LOAD
    private const int WritableSegment = 2; // PF_W
    private const nuint EntryPointAuxiliary = 9; // AT_ENTRY: where the kernel started this program
    private const int ProgramHeaderSize = 56; // Elf64_Phdr
    private const int SectionHeaderSize = 64; // Elf64_Shdr

    // Far above what a linker writes (this app's file has 38 sections and 5 segments); a file
    // claiming more is not one to trust.
    private const int MaxHeaders = 1024;

    // The header tables are kept as the file's own rows (Elf64_Phdr, Elf64_Shdr): types of our own
    // would each add generic code to the file for the collections that hold them.
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

    /// <returns>This process's image, or null when it is not a 64-bit little-endian ELF file.</returns>
    public static NativeImage? OfThisProcess()
    {
        using SafeFileHandle file = File.OpenHandle("/proc/self/exe");
        byte[] header = Read(file, 0, 64);
        // "\x7fELF", then class 2 (64-bit) and data 1 (little-endian).
        if (header.Length < 64 || !header.AsSpan(0, 6).SequenceEqual((ReadOnlySpan<byte>)[0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1]))
        {
            return null;
        }

        byte[][] segments = Table(file, offset: U64(header, 0x20), rowSize: U16(header, 0x36), rows: U16(header, 0x38), ProgramHeaderSize);
        byte[][] sections = Table(file, offset: U64(header, 0x28), rowSize: U16(header, 0x3A), rows: U16(header, 0x3C), SectionHeaderSize);
        int namesIndex = U16(header, 0x3E);
        byte[] names = namesIndex < sections.Length
            ? Read(file, U64(sections[namesIndex], 0x18), (int)Math.Min(U64(sections[namesIndex], 0x20), 64 * 1024))
            : [];

        // The kernel placed the file at some address (ASLR); the distance from the entry point the
        // file names to the one the kernel used is how far everything else moved too.
        nint loadBias = (nint)GetAuxiliaryValue(EntryPointAuxiliary) - (nint)U64(header, 0x18);
        return new NativeImage(loadBias, segments, sections, names);
    }

    /// <returns>Where the section is in this process's memory, or null if the file has no such section.</returns>
    public nint? SectionAddress(string name)
    {
        foreach (byte[] section in _sections)
        {
            int start = (int)Math.Min(U32(section, 0), (uint)_sectionNames.Length);
            int length = _sectionNames.AsSpan(start).IndexOf((byte)0);
            if (length >= 0 && Encoding.ASCII.GetString(_sectionNames, start, length) == name && U64(section, 0x10) != 0)
            {
                return _loadBias + (nint)U64(section, 0x10);
            }
        }

        return null;
    }

    /// <returns>Whether [<paramref name="start"/>, start + <paramref name="length"/>) is inside a part of the file that is mapped.</returns>
    public bool IsMapped(nint start, int length) => FindSegment(start, start + length) is not null;

    /// <returns>
    /// Where [<paramref name="start"/>, <paramref name="end"/>) lies in the file, if all of it is
    /// mapped from the file read-only: memory that is only ever read, never written.
    /// </returns>
    public long? ReadOnlyFileOffset(nint start, nint end) =>
        FindSegment(start, end) is { } segment && (U32(segment, 4) & WritableSegment) == 0
            ? (long)U64(segment, 0x08) + (start - (_loadBias + (nint)U64(segment, 0x10)))
            : null;

    /// <returns>The PT_LOAD row whose bytes from the file hold all of [start, end), if any.</returns>
    private byte[]? FindSegment(nint start, nint end)
    {
        foreach (byte[] segment in _segments)
        {
            // p_type, p_vaddr, p_filesz
            nint first = _loadBias + (nint)U64(segment, 0x10);
            if (U32(segment, 0) == LoadableSegment && start >= first && end >= start && end <= first + (nint)U64(segment, 0x20))
            {
                return segment;
            }
        }

        return null;
    }

    /// <summary>The rows of the program or section header table; none if the header's sizes are implausible.</summary>
    private static byte[][] Table(SafeFileHandle file, ulong offset, int rowSize, int rows, int minRowSize)
    {
        if (rows > MaxHeaders || rowSize < minRowSize)
        {
            return [];
        }

        byte[] table = Read(file, offset, rowSize * rows);
        var result = new byte[table.Length / rowSize][];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = table.AsSpan(i * rowSize, rowSize).ToArray();
        }

        return result;
    }

    /// <returns>Up to <paramref name="length"/> bytes: fewer at the end of the file.</returns>
    private static byte[] Read(SafeFileHandle file, ulong offset, int length)
    {
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
