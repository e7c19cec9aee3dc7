using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AppHost.NativeFile;

namespace AppHost;

/// <summary>
/// Gives the kernel back the part of the native file that only the runtime's start-up reads.
/// NativeAOT stores the runtime's type data compressed in the file ("dehydrated"; docs/startup.md has
/// its size for the sample app) and expands it into memory before Main runs. Nothing reads the compressed copy
/// again, yet its pages stay in the process's memory map and count in its RSS. They are clean pages
/// of a read-only mapping of the file, so dropping them (madvise MADV_DONTNEED) loses nothing: a
/// read would fault them in again from the page cache or the file. They stay in the page cache,
/// and count there (in the service's cgroup), until the kernel wants the memory.
/// </summary>
/// <remarks>
/// The compressed data is found the way the runtime finds it: the file's __modules section points
/// to the runtime's module header (its "ReadyToRun" header, dotnet/runtime's ModuleHeaders.h), which
/// lists where each runtime section starts and ends. Whatever does not look exactly as expected (not
/// a Linux NativeAOT file, another header version, a range outside the read-only part of the file)
/// releases nothing, and the native file's test then fails, so a .NET update that moves the data is
/// noticed.
/// </remarks>
public static class StartupData
{
    // The module header: "RTR", version 16.0 (.NET 10's), flags, section count, row size, row type.
    private const uint HeaderSignature = 0x00525452;
    private const ushort HeaderMajorVersion = 16;
    private const int MajorVersionAt = 4;
    private const int SectionCountAt = 12;
    private const int RowSizeAt = 14;
    private const int HeaderSize = 16;

    // One row per section: its id, flags, start and end address.
    private const int RowSize = 24;
    private const int RowFlagsAt = 4;
    private const int RowStartAt = 8;
    private const int RowEndAt = 16;
    private const int DehydratedData = 207; // ReadyToRunSectionType.DehydratedData
    private const int HasEnd = 1; // ModuleInfoFlags.HasEndPointer

    private const int DontNeed = 4; // MADV_DONTNEED

    /// <summary>Releases the data, if this is a native file that has it, and says so at Debug level.</summary>
    /// <param name="log">Where the release, or why there was none, is reported at Debug level.</param>
    public static void Release(Serilog.ILogger log)
    {
        try
        {
            if (TryRelease(out long fileOffset, out long length))
            {
                log.Debug("Released {Length} bytes of start-up data at offset {FileOffset} of the native file", length, fileOffset);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            // No /proc to read the file's headers from, or a C library without getauxval or
            // madvise: the memory stays as it was, and the server is none the worse.
            log.Debug("Start-up data not released: {Reason:l}", e.Message);
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

        var image = NativeImage.OfThisProcess();
        if (image?.SectionAddress("__modules"u8) is not nint modules || !image.IsMapped(modules, IntPtr.Size))
        {
            return false;
        }

        nint header = Marshal.ReadIntPtr(modules);
        if (!image.IsMapped(header, HeaderSize) || (uint)Marshal.ReadInt32(header) != HeaderSignature
            || (ushort)Marshal.ReadInt16(header, MajorVersionAt) != HeaderMajorVersion || Marshal.ReadByte(header, RowSizeAt) != RowSize)
        {
            return false;
        }

        int sections = (ushort)Marshal.ReadInt16(header, SectionCountAt);
        for (int i = 0; i < sections; i++)
        {
            nint row = header + HeaderSize + (i * RowSize);
            if (image.IsMapped(row, RowSize) && Marshal.ReadInt32(row) == DehydratedData && (Marshal.ReadInt32(row, RowFlagsAt) & HasEnd) != 0)
            {
                return ReleasePages(image, Marshal.ReadIntPtr(row, RowStartAt), Marshal.ReadIntPtr(row, RowEndAt), out fileOffset, out length);
            }
        }

        return false;
    }

    private static bool ReleasePages(NativeImage image, nint start, nint end, out long fileOffset, out long length)
    {
        fileOffset = length = 0;
        // Only whole pages: the first and last may also hold data that is still read.
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
