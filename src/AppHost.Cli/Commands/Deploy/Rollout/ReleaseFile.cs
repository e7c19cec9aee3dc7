using System.Buffers.Binary;
using System.Security.Cryptography;
using AppHost.Cli.CommandLine;
using AppHost.Cli.Commands.Publish;

namespace AppHost.Cli.Commands.Deploy.Rollout;

/// <summary>The file being deployed, as the hosts are checked against it: its content hash, processor and oldest glibc.</summary>
/// <param name="Machine">The processor as <c>uname -m</c> names it on a host that runs the file.</param>
/// <param name="Glibc">The oldest glibc it runs with, or null when it needs no versioned symbol.</param>
internal sealed record ReleaseFile(string Path, string Sha256, long Size, string Machine, Version? Glibc)
{
    // ELF's e_machine values of the two processors the tool publishes for.
    private const ushort X64 = 62;
    private const ushort Arm64 = 183;

    /// <summary>The first 12 hex digits of the hash: how a release is named in output (as git names a commit).</summary>
    public string ShortSha => Sha256[..12];

    /// <exception cref="CliException">Missing, or not a Linux x64 or arm64 program.</exception>
    public static ReleaseFile Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.Usage, $"--binary '{path}' does not exist; give the app's native file (apphost publish prints its path), or leave --binary out to publish it");
        }

        byte[] header = new byte[20];
        string sha256;
        using (var file = File.OpenRead(path))
        {
            int read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            file.Position = 0;
            sha256 = Convert.ToHexStringLower(SHA256.HashData(file));
            if (read < header.Length || header[0] != 0x7f || header[1] != 'E' || header[2] != 'L' || header[3] != 'F')
            {
                throw new CliException(ExitCodes.Usage, $"--binary '{path}' is not a Linux program (no ELF header); give the native file apphost publish made for linux-x64 or linux-arm64");
            }
        }

        string machine = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(18)) switch
        {
            X64 => "x86_64",
            Arm64 => "aarch64",
            var other => throw new CliException(ExitCodes.Usage, $"--binary '{path}' is for ELF machine {other}, not x64 or arm64; publish it for linux-x64 or linux-arm64"),
        };
        return new ReleaseFile(path, sha256, new FileInfo(path).Length, machine, GlibcRequirement.Read(path));
    }
}
