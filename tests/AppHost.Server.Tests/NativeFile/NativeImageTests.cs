using System.Runtime.InteropServices;
using AppHost.NativeFile;

namespace AppHost.Server.Tests.NativeFile;

/// <summary>
/// NativeImage reads the running program's ELF headers. The test process is an ELF program too
/// (the .NET host), so it is checked against this process's own memory. Linux only, like /proc.
/// </summary>
public sealed class NativeImageTests
{
    [Fact]
    public void CodeIsFoundInMemoryWhereTheFileSaysAndMatchesTheFileBytes()
    {
        var image = NativeImage.OfThisProcess()!;

        nint text = image.SectionAddress(".text"u8)!.Value;
        long offset = image.ReadOnlyFileOffset(text, text + 64)!.Value;

        byte[] inMemory = new byte[64];
        Marshal.Copy(text, inMemory, 0, inMemory.Length);
        byte[] inFile = new byte[64];
        using (var file = File.OpenRead("/proc/self/exe"))
        {
            file.Position = offset;
            file.ReadExactly(inFile);
        }

        Assert.Equal(inFile, inMemory);
    }

    [Fact]
    public void WritableDataIsNotReadOnly()
    {
        var image = NativeImage.OfThisProcess()!;

        nint data = image.SectionAddress(".data"u8)!.Value;

        Assert.True(image.IsMapped(data, 8));
        Assert.Null(image.ReadOnlyFileOffset(data, data + 8));
    }

    [Fact]
    public void AnUnknownSectionOrAddressIsNotFound()
    {
        var image = NativeImage.OfThisProcess()!;

        nint heap = Marshal.AllocHGlobal(8);
        try
        {
            Assert.Null(image.SectionAddress("__no_such_section"u8));
            Assert.Null(image.SectionAddress(".tex"u8)); // a prefix of .text is not .text
            Assert.False(image.IsMapped(heap, 8)); // the heap is not part of the file
        }
        finally
        {
            Marshal.FreeHGlobal(heap);
        }
    }
}
