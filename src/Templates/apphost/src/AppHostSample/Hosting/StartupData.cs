using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AppHostSample.Hosting;

/// <summary>
/// Gives the kernel back the part of the native file that only the runtime's start-up reads.
/// NativeAOT stores the runtime's type data compressed in the file ("dehydrated", 1.7 MB for this
/// app) and expands it into memory before Main runs. Nothing reads the compressed copy again, yet
/// its pages stay mapped and count in the process's RSS. They are clean pages of a read-only
/// mapping of the file, so unmapping them (madvise MADV_DONTNEED) loses nothing: a later read
/// would fetch them from the file again. They stay in the page cache, where the kernel may drop
/// them when it needs the memory, and count there (in the service's cgroup) until it does.
/// </summary>
/// <remarks>
/// The compressed data is found the way the runtime finds it: the file's __modules section points
/// to the runtime's module header (its "ReadyToRun" header, the format of dotnet/runtime's
/// ModuleHeaders.h), which lists where each runtime section starts and ends. Whatever does not
/// look exactly as expected (not a Linux NativeAOT file, another header version, a range outside
/// the read-only part of the file) releases nothing.
/// </remarks>
internal static class StartupData
{
    private const uint HeaderSignature = 0x00525452; // "RTR"
    // The header: signature (4 bytes), major and minor version (2 + 2), flags (4), section count (2),
    // row size (1) and row type (1); then one row per section.
    private const int HeaderSize = 16;
    private const int RowSize = 24; // section id, flags, start, end
    private const int DehydratedData = 207; // ReadyToRunSectionType.DehydratedData
    private const int HasEnd = 1; // ModuleInfoFlags.HasEndPointer
    private const int DontNeed = 4; // MADV_DONTNEED

    /// <summary>Releases the data, if this is a native file that has it, and says so at Debug level.</summary>
    public static void Release(Serilog.ILogger log)
    {
        if (TryRelease(out long fileOffset, out long length))
        {
            log.Debug("Released {Length} bytes of start-up data at offset {FileOffset} of the native file", length, fileOffset);
        }
    }

    /// <returns>Whether anything was released; if so, which bytes of the file.</returns>
    private static bool TryRelease(out long fileOffset, out long length)
    {
        fileOffset = length = 0;
        // A JIT-compiled app (dotnet run, the tests) has no such data: its types come from IL.
        if (!OperatingSystem.IsLinux() || RuntimeFeature.IsDynamicCodeSupported || !Environment.Is64BitProcess)
        {
            return false;
        }

        NativeImage? image;
        try
        {
            image = NativeImage.OfThisProcess();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // no /proc: nothing to find the data with
        }

        if (image?.SectionAddress("__modules") is not nint modules || !image.IsMapped(modules, IntPtr.Size))
        {
            return false;
        }

        nint header = Marshal.ReadIntPtr(modules);
        if (!image.IsMapped(header, HeaderSize) || (uint)Marshal.ReadInt32(header) != HeaderSignature || Marshal.ReadByte(header, 14) != RowSize)
        {
            return false;
        }

        int sections = (ushort)Marshal.ReadInt16(header, 12);
        for (int i = 0; i < sections; i++)
        {
            nint row = header + HeaderSize + (i * RowSize);
            if (image.IsMapped(row, RowSize) && Marshal.ReadInt32(row) == DehydratedData && (Marshal.ReadInt32(row, 4) & HasEnd) != 0)
            {
                return TryRelease(image, start: Marshal.ReadIntPtr(row, 8), end: Marshal.ReadIntPtr(row, 16), out fileOffset, out length);
            }
        }

        return false;
    }

    private static bool TryRelease(NativeImage image, nint start, nint end, out long fileOffset, out long length)
    {
        fileOffset = length = 0;
        // Only whole pages: the first and last may hold data that is still read.
        nint page = Environment.SystemPageSize;
        nint first = (start + page - 1) / page * page;
        nint last = end / page * page;
        if (last <= first || image.ReadOnlyFileOffset(first, last) is not long offset || Advise(first, (nuint)(last - first), DontNeed) != 0)
        {
            return false;
        }

        (fileOffset, length) = (offset, last - first);
        return true;
    }

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Advise(nint address, nuint length, int advice);
}
