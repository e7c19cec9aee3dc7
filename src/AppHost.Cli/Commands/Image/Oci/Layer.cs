using System.IO.Compression;
using System.Security.Cryptography;

namespace AppHost.Cli.Commands.Image.Oci;

/// <summary>
/// One layer of an image, made reproducibly: a <see cref="ReproducibleTar"/>, gzipped with a header
/// that holds no time and a fixed system byte. The same entries give the same bytes, so the same digest.
/// </summary>
/// <param name="Compressed">The .tar.gz, the blob an image holds.</param>
/// <param name="DiffId">The digest of the tar before compression, which the image's config lists.</param>
/// <param name="UnpackedSize">The size of the tar before compression, as container tools count an image's size.</param>
internal sealed record Layer(byte[] Compressed, string Digest, string DiffId, long UnpackedSize)
{
    public const string MediaType = "application/vnd.oci.image.layer.v1.tar+gzip";

    // RFC 1952's OS byte (offset 9): 255, "unknown". zlib writes the build machine's (3 Unix, 10
    // Windows), which would make the same layer's digest depend on where it was built.
    private const int GzipOsOffset = 9;
    private const byte GzipOsUnknown = 255;

    /// <param name="time">The modification time of every entry.</param>
    public static Layer Create(IEnumerable<LayerEntry> entries, DateTimeOffset time)
    {
        byte[] unpacked = ReproducibleTar.Write(entries, time);
        using var gzipped = new MemoryStream();
        // Smallest: a layer is compressed once and pulled many times.
        using (var gzip = new GZipStream(gzipped, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(unpacked);
        }

        byte[] compressed = gzipped.ToArray();
        compressed[GzipOsOffset] = GzipOsUnknown;
        return new Layer(compressed, DigestOf(compressed), DigestOf(unpacked), unpacked.Length);
    }

    /// <summary>"sha256:" and the lower-case hex SHA-256, as OCI names every blob.</summary>
    public static string DigestOf(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
}
