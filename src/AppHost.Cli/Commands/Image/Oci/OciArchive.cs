using AppHost.Cli.CommandLine;

namespace AppHost.Cli.Commands.Image.Oci;

/// <summary>
/// An OCI image layout (oci-layout, index.json, blobs/sha256/HEX) in one tar: what
/// <c>skopeo copy oci-archive:FILE</c> and <c>podman load</c> read. Written reproducibly, and whole
/// or not at all: beside its place, then renamed over it.
/// </summary>
internal static class OciArchive
{
    private static readonly byte[] LayoutFile = """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray();

    /// <param name="index">The layout's index.json.</param>
    /// <param name="blobs">Every blob the index reaches, by content; one that appears twice is written once.</param>
    public static void Write(string path, byte[] index, IEnumerable<byte[]> blobs, DateTimeOffset time)
    {
        var entries = new List<LayerEntry> { LayerEntry.File("oci-layout", LayoutFile), LayerEntry.File("index.json", index) };
        foreach (byte[] blob in blobs)
        {
            entries.Add(LayerEntry.File($"blobs/sha256/{Layer.DigestOf(blob)["sha256:".Length..]}", blob));
        }

        // Replaces the previous build's archive, as publish replaces the previous file.
        OutputFiles.WriteAll([(path, ReproducibleTar.Write(entries, time))], OutputFiles.Public, overwrite: true, "choose another folder with -o");
    }
}
