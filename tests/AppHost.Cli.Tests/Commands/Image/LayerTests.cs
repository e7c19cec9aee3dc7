using System.Formats.Tar;
using System.IO.Compression;
using AppHost.Cli.Commands.Image.Oci;

namespace AppHost.Cli.Tests.Commands.Image;

/// <summary>A layer's bytes depend on its entries alone: not their order, the clock, the user or the machine.</summary>
public sealed class LayerTests
{
    private static readonly DateTimeOffset Time = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static readonly LayerEntry[] Entries =
    [
        LayerEntry.File("app/shop", [0x7f, 0x45, 0x4c, 0x46], LayerEntry.Executable),
        LayerEntry.File("etc/passwd", "root:x:0:0::/:/sbin/nologin\n"u8.ToArray()),
        LayerEntry.Link("lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
        LayerEntry.Folder("tmp", (UnixFileMode)0b1_111_111_111),
    ];

    [Fact]
    public void EntriesInAnyOrderGiveTheSameDigest()
    {
        var forward = Layer.Create(Entries, Time);
        var backward = Layer.Create(Entries.Reverse(), Time);

        Assert.Equal(forward.Digest, backward.Digest);
        Assert.Equal(forward.Compressed, backward.Compressed);
        Assert.NotEqual(forward.Digest, Layer.Create(Entries, Time.AddSeconds(1)).Digest);
    }

    [Fact]
    public void EveryEntryIsRootsAtTheGivenTimeSortedWithItsFolders()
    {
        var layer = Layer.Create(Entries, Time);

        using var reader = new TarReader(new GZipStream(new MemoryStream(layer.Compressed), CompressionMode.Decompress));
        var read = new List<TarEntry>();
        while (reader.GetNextEntry() is { } entry)
        {
            read.Add(entry);
        }

        Assert.Equal(["app/", "app/shop", "etc/", "etc/passwd", "lib64/", "lib64/ld-linux-x86-64.so.2", "tmp/"], read.Select(e => e.Name));
        Assert.All(read, e => Assert.Equal((0, 0, Time), (e.Uid, e.Gid, e.ModificationTime)));
        Assert.All(read, e => Assert.Equal(TarEntryFormat.Ustar, e.Format));
        Assert.Equal(LayerEntry.Executable, read.Single(e => e.Name == "app/shop").Mode);
        Assert.Equal((UnixFileMode)0b1_111_111_111, read.Single(e => e.Name == "tmp/").Mode);
        Assert.Equal("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", read.Single(e => e.EntryType == TarEntryType.SymbolicLink).LinkName);
    }

    [Fact]
    public void GzipHeaderHoldsNoTimeAndNoBuildMachine()
    {
        byte[] gzip = Layer.Create(Entries, Time).Compressed;

        // RFC 1952: ID1 ID2 CM FLG, MTIME (4 bytes, 0 = none), XFL, OS (255 = unknown).
        Assert.Equal([0x1f, 0x8b, 8], gzip[..3]);
        Assert.Equal([0, 0, 0, 0], gzip[4..8]);
        Assert.Equal(255, gzip[9]);
    }

    [Fact]
    public void DiffIdIsTheDigestOfTheUncompressedTar()
    {
        var layer = Layer.Create(Entries, Time);
        using var tar = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(layer.Compressed), CompressionMode.Decompress))
        {
            gzip.CopyTo(tar);
        }

        Assert.Equal(Layer.DigestOf(tar.ToArray()), layer.DiffId);
        Assert.Equal(tar.Length, layer.UnpackedSize);
        Assert.Equal(Layer.DigestOf(layer.Compressed), layer.Digest);
    }
}
