using System.Buffers.Binary;
using System.Globalization;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// Which pages of its program file another process has mapped in memory right now, read from
/// /proc/PID/maps and /proc/PID/pagemap (proc(5)): what counts in the process's RSS.
/// </summary>
public static class ResidentPages
{
    private const ulong Present = 1UL << 63; // pagemap: the page is in memory

    /// <returns>How many pages of the process's own program file, bytes [offset, offset + length), it has mapped in.</returns>
    public static int OfProgramFile(int pid, long offset, long length)
    {
        // maps names the file by its resolved path, as the exe link does (not by a symlinked temp path).
        string file = new FileInfo($"/proc/{pid}/exe").LinkTarget ?? throw new InvalidOperationException($"process {pid} has no program file");
        // A line: "start-end perms offset dev inode path"; find the mapping that holds the range.
        foreach (string line in File.ReadLines($"/proc/{pid}/maps"))
        {
            string[] fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[5].Trim() != file)
            {
                continue;
            }

            string[] range = fields[0].Split('-');
            long start = long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            long end = long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            long mappedFrom = long.Parse(fields[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (offset >= mappedFrom && offset + length <= mappedFrom + (end - start))
            {
                return CountPresent(pid, start + (offset - mappedFrom), length);
            }
        }

        throw new InvalidOperationException($"process {pid} has no mapping of {file} holding offsets {offset}-{offset + length}");
    }

    private static int CountPresent(int pid, long address, long length)
    {
        int page = Environment.SystemPageSize;
        byte[] entries = new byte[length / page * sizeof(ulong)];
        using var pagemap = File.OpenRead($"/proc/{pid}/pagemap");
        pagemap.Position = address / page * sizeof(ulong);
        pagemap.ReadExactly(entries);

        int present = 0;
        for (int i = 0; i < entries.Length; i += sizeof(ulong))
        {
            present += (BinaryPrimitives.ReadUInt64LittleEndian(entries.AsSpan(i)) & Present) != 0 ? 1 : 0;
        }

        return present;
    }
}
