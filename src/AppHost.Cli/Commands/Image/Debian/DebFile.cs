using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using AppHost.Cli.CommandLine;
using AppHost.Cli.Commands.Image.Oci;

namespace AppHost.Cli.Commands.Image.Debian;

/// <summary>
/// Reads a .deb without dpkg: its files (data.tar) and its control file (control.tar), never its
/// maintainer scripts. A .deb is an ar archive: "!&lt;arch&gt;\n", then per member a 60-byte header
/// (name 16 bytes, then dates and owners, size 10 bytes at offset 48, magic 2) and the data,
/// padded to an even length. Debian 12 compresses both tars with xz, which .NET cannot read, so
/// they go through the system's xz (xz-utils, which the native link's sysroot needs already).
/// </summary>
internal static class DebFile
{
    private static readonly byte[] ArMagic = "!<arch>\n"u8.ToArray();
    private static readonly byte[] XzMagic = [0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00];

    /// <summary>The package's files, folders and links, with paths relative to the root.</summary>
    public static async Task<List<LayerEntry>> ReadFilesAsync(byte[] deb, string name, CancellationToken cancel) =>
        await ReadTarAsync(Member(deb, "data.tar", name), name, cancel);

    /// <summary>The package's control file (Package, Version, Architecture, ...): what dpkg keeps in its status file.</summary>
    public static async Task<byte[]> ReadControlAsync(byte[] deb, string name, CancellationToken cancel)
    {
        var entries = await ReadTarAsync(Member(deb, "control.tar", name), name, cancel);
        return entries.SingleOrDefault(e => e.Path == "control")?.Content
            ?? throw new CliException(ExitCodes.Failure, $"the package {name} has no control file; is it a .deb?");
    }

    private static ReadOnlyMemory<byte> Member(byte[] deb, string prefix, string name)
    {
        if (!deb.AsSpan().StartsWith(ArMagic))
        {
            throw new CliException(ExitCodes.Failure, $"the package {name} is not a .deb (no ar header)");
        }

        int at = ArMagic.Length;
        while (at + 60 <= deb.Length)
        {
            string member = Encoding.ASCII.GetString(deb, at, 16).Trim().TrimEnd('/');
            int size = int.Parse(Encoding.ASCII.GetString(deb, at + 48, 10).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            if (member.StartsWith(prefix, StringComparison.Ordinal))
            {
                return deb.AsMemory(at + 60, size);
            }

            at += 60 + size + (size % 2);
        }

        throw new CliException(ExitCodes.Failure, $"the package {name} has no {prefix} member");
    }

    private static async Task<List<LayerEntry>> ReadTarAsync(ReadOnlyMemory<byte> compressed, string name, CancellationToken cancel)
    {
        byte[] tar = compressed.Span.StartsWith(XzMagic) ? await XzDecompressAsync(compressed, cancel) : GzipDecompress(compressed);
        var entries = new List<LayerEntry>();
        using var reader = new TarReader(new MemoryStream(tar));
        while (await reader.GetNextEntryAsync(copyData: false, cancel) is { } entry)
        {
            // "./usr/lib/" in the package is "usr/lib" in the layer; "./" itself is the root.
            string path = entry.Name.TrimStart('.').Trim('/');
            if (path.Length == 0)
            {
                continue;
            }

            entries.Add(entry.EntryType switch
            {
                TarEntryType.Directory => LayerEntry.Folder(path, entry.Mode),
                TarEntryType.RegularFile or TarEntryType.V7RegularFile => LayerEntry.File(path, ReadAll(entry.DataStream), entry.Mode),
                TarEntryType.SymbolicLink => LayerEntry.Link(path, entry.LinkName),
                _ => throw new CliException(ExitCodes.Failure, $"the package {name} holds '{path}' of type {entry.EntryType}, which the image's base layer does not take"),
            });
        }

        return entries;
    }

    private static byte[] ReadAll(Stream? data)
    {
        if (data is null)
        {
            return [];
        }

        using var copy = new MemoryStream();
        data.CopyTo(copy);
        return copy.ToArray();
    }

    private static byte[] GzipDecompress(ReadOnlyMemory<byte> compressed)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed.ToArray()), CompressionMode.Decompress);
        return ReadAll(gzip);
    }

    private static async Task<byte[]> XzDecompressAsync(ReadOnlyMemory<byte> compressed, CancellationToken cancel)
    {
        Process xz;
        try
        {
            xz = Process.Start(new ProcessStartInfo("xz", ["--decompress", "--stdout"])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new CliException(ExitCodes.MissingPrerequisite, "the image's base layer is read from Debian packages compressed with xz, which is not installed: sudo apt-get install xz-utils");
        }

        using (xz)
        {
            // Fed and drained at once: either pipe fills up if the other is left waiting.
            var feeding = Task.Run(async () =>
            {
                await xz.StandardInput.BaseStream.WriteAsync(compressed, cancel);
                xz.StandardInput.Close();
            }, cancel);
            using var output = new MemoryStream();
            var draining = xz.StandardOutput.BaseStream.CopyToAsync(output, cancel);
            var errors = xz.StandardError.ReadToEndAsync(cancel);
            await Task.WhenAll(feeding, draining);
            await xz.WaitForExitAsync(cancel);
            return xz.ExitCode == 0
                ? output.ToArray()
                : throw new CliException(ExitCodes.Failure, $"xz could not decompress a Debian package: {(await errors).Trim()}");
        }
    }
}
