using System.Buffers.Binary;
using System.Runtime.InteropServices;
using AppHost.Cli.CommandLine;

namespace AppHost.Cli.Commands.Image;

/// <summary>The processor a Linux native file is for, read from its ELF header, so an image never gets the wrong base.</summary>
internal static class NativeFileMachine
{
    // e_machine, at offset 18 of the ELF header: EM_X86_64 and EM_AARCH64.
    private const int MachineOffset = 18;
    private const ushort X86_64 = 62;
    private const ushort AArch64 = 183;

    private static readonly byte[] ElfMagic = [0x7f, (byte)'E', (byte)'L', (byte)'F'];

    /// <exception cref="CliException">Not a 64-bit little-endian ELF file for x64 or arm64.</exception>
    public static Architecture Read(string path)
    {
        byte[] header = new byte[64];
        int read;
        using (var file = File.OpenRead(path))
        {
            read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }

        bool elf64 = read == header.Length && header.AsSpan(0, 4).SequenceEqual(ElfMagic) && header[4] == 2 && header[5] == 1;
        return (elf64 ? BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(MachineOffset)) : (ushort)0) switch
        {
            X86_64 => Architecture.X64,
            AArch64 => Architecture.Arm64,
            _ => throw new CliException(ExitCodes.Usage,
                $"'{path}' is not a Linux native file for x64 or arm64; give the file apphost publish made with --rid linux-x64 or linux-arm64"),
        };
    }
}
