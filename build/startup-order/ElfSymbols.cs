using System.Text;

/// <summary>The function symbols of chosen sections of an ELF file, looked up by address.</summary>
internal sealed class ElfSymbols
{
    private const int SymbolTable = 2; // SHT_SYMTAB
    private const int Function = 2; // STT_FUNC: methods, not the section's start and end labels

    private readonly (ulong Start, ulong Size, string Name)[] _symbols;
    private readonly ulong _entry;

    private ElfSymbols((ulong, ulong, string)[] symbols, ulong entry) => (_symbols, _entry) = (symbols, entry);

    public static ElfSymbols Read(string path, params string[] sections)
    {
        byte[] file = File.ReadAllBytes(path);
        bool elf64LittleEndian = file.Length > 0x40 && file.AsSpan(0, 4).SequenceEqual("\u007fELF"u8) && file[4] == 2 && file[5] == 1;
        if (!elf64LittleEndian)
        {
            throw new InvalidOperationException($"'{path}' is not a 64-bit little-endian ELF file");
        }

        ulong entry = U64(file, 0x18);
        int headers = (int)U64(file, 0x28), headerSize = U16(file, 0x3A), count = U16(file, 0x3C), names = U16(file, 0x3E);
        int Header(int index) => headers + (index * headerSize);
        int namesAt = (int)U64(file, Header(names) + 0x18);
        string SectionName(int index) => CString(file, namesAt + (int)U32(file, Header(index)));

        var wanted = Enumerable.Range(0, count).Where(i => sections.Contains(SectionName(i))).ToHashSet();
        int table = Enumerable.Range(0, count).FirstOrDefault(i => U32(file, Header(i) + 4) == SymbolTable, -1);
        if (table < 0)
        {
            throw new InvalidOperationException($"'{path}' has no symbol table; it was published with its symbols stripped");
        }

        int at = (int)U64(file, Header(table) + 0x18), size = (int)U64(file, Header(table) + 0x20);
        int strings = (int)U64(file, Header((int)U32(file, Header(table) + 0x28)) + 0x18);
        var symbols = new List<(ulong, ulong, string)>();
        for (int s = at; s < at + size; s += 24)
        {
            if (wanted.Contains(U16(file, s + 6)) && (file[s + 4] & 0xF) == Function)
            {
                symbols.Add((U64(file, s + 8), U64(file, s + 16), CString(file, strings + (int)U32(file, s))));
            }
        }

        return new ElfSymbols([.. symbols.OrderBy(symbol => symbol.Item1)], entry);
    }

    /// <summary>The names of the methods these run addresses fall in, in the same order; all names of a shared body.</summary>
    public IEnumerable<string> Name(IReadOnlyList<ulong> runAddresses)
    {
        if (!runAddresses.Contains(_entry + Traced.LoadAddress))
        {
            throw new InvalidOperationException("valgrind did not load the app where this script expects; its entry point never ran");
        }

        var starts = _symbols.Select(symbol => symbol.Start).ToArray();
        foreach (ulong address in runAddresses)
        {
            ulong offset = address - Traced.LoadAddress;
            int last = Array.BinarySearch(starts, offset);
            last = last >= 0 ? last : ~last - 1;
            while (last + 1 < starts.Length && starts[last + 1] == offset)
            {
                last++;
            }

            // Identical methods share one body under several names; any of them may be the one publish uses.
            for (int i = last; i >= 0 && starts[i] == starts[last]; i--)
            {
                if (offset < starts[i] + _symbols[i].Size)
                {
                    yield return _symbols[i].Name;
                }
            }
        }
    }

    private static ushort U16(byte[] file, int at) => BitConverter.ToUInt16(file, at);

    private static uint U32(byte[] file, int at) => BitConverter.ToUInt32(file, at);

    private static ulong U64(byte[] file, int at) => BitConverter.ToUInt64(file, at);

    private static string CString(byte[] file, int at) => Encoding.UTF8.GetString(file, at, Array.IndexOf(file, (byte)0, at) - at);
}
