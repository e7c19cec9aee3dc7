using System.Runtime.InteropServices;
using System.Security.Cryptography;
using AppHost.Cli.CommandLine;
using AppHost.Cli.Commands.Image.Debian;
using AppHost.Cli.Commands.Image.Oci;
using Serilog;

namespace AppHost.Cli.Commands.Image;

/// <summary>
/// Makes OCI image archives from native files, with no container engine and no registry: for each
/// file, FOLDER/RID/NAME.tar holding one image of two layers (<see cref="BaseLayer"/>, then the file
/// as /app/NAME); for files of two processors, also FOLDER/NAME.tar, one multi-platform image of both.
/// </summary>
internal static class ContainerImageBuilder
{
    private sealed record Built(Platform Platform, byte[] Manifest, IReadOnlyList<byte[]> Blobs);

    /// <param name="files">Native files, at most one per processor.</param>
    /// <param name="folder">Where the archives go: artifacts/container.</param>
    public static async Task<IReadOnlyList<ImageReport>> BuildAsync(IReadOnlyList<string> files, ImageSpec spec, string folder, PackageCache cache, ILogger log, CancellationToken cancel)
    {
        var machines = files.Select(NativeFileMachine.Read).ToList();
        if (machines.Distinct().Count() < machines.Count)
        {
            throw new CliException(ExitCodes.Usage, $"two of the files ({string.Join(", ", files)}) are for the same processor; give one file per processor");
        }

        var reports = new List<ImageReport>();
        var built = new List<Built>();
        for (int i = 0; i < files.Count; i++)
        {
            var (report, image) = await BuildOneAsync(files[i], machines[i], spec, folder, cache, cancel);
            log.Information("Made the {Platform} image {Path}", report.Platform, report.Path);
            reports.Add(report);
            built.Add(image);
        }

        if (built.Count > 1)
        {
            reports.Add(WriteMultiPlatform(built, spec, folder));
            log.Information("Made the multi-platform image {Path} ({Platforms})", reports[^1].Path, reports[^1].Platform);
        }

        return reports;
    }

    private static async Task<(ImageReport, Built)> BuildOneAsync(string file, Architecture machine, ImageSpec spec, string folder, PackageCache cache, CancellationToken cancel)
    {
        var platform = Platform.Of(machine);
        var (baseEntries, baseDescription) = await BaseLayer.CreateAsync(machine, cache, cancel);
        var baseLayer = Layer.Create(baseEntries, spec.Created);
        byte[] program = await File.ReadAllBytesAsync(file, cancel);
        // Owned by root and not writable by the image's user: the program cannot be changed by what it runs.
        var appLayer = Layer.Create([LayerEntry.File($"app/{spec.Name}", program, LayerEntry.Executable)], spec.Created);
        Layer[] layers = [baseLayer, appLayer];

        byte[] config = ImageDocuments.Config(spec, platform, layers,
        [
            baseDescription,
            $"apphost: /app/{spec.Name}, {program.Length} bytes, sha256 {Convert.ToHexStringLower(SHA256.HashData(program))}",
        ]);
        byte[] manifest = ImageDocuments.Manifest(
            Descriptor.Of(ImageDocuments.ConfigMediaType, config),
            [.. layers.Select(l => new Descriptor(Layer.MediaType, l.Digest, l.Compressed.Length))],
            spec.Labels());
        byte[] index = ImageDocuments.Index([Descriptor.Of(ImageDocuments.ManifestMediaType, manifest, platform, Tagged(spec))]);

        string rid = machine == Architecture.X64 ? "linux-x64" : "linux-arm64";
        string path = Path.Combine(folder, rid, spec.Name + ".tar");
        byte[][] blobs = [config, manifest, baseLayer.Compressed, appLayer.Compressed];
        OciArchive.Write(path, index, blobs, spec.Created);

        var report = new ImageReport(path, platform.ToString(), Layer.DigestOf(manifest),
            layers.Sum(l => (long)l.Compressed.Length), layers.Sum(l => l.UnpackedSize), program.Length);
        return (report, new Built(platform, manifest, blobs));
    }

    /// <summary>
    /// An image index of every platform's manifest, itself the one tagged entry of the archive's
    /// index.json, as docker buildx lays out a multi-platform OCI archive: skopeo copy --all pushes
    /// it whole, and a runtime pulls the manifest of its own platform.
    /// </summary>
    private static ImageReport WriteMultiPlatform(List<Built> built, ImageSpec spec, string folder)
    {
        // In platform order, not the command line's: the same files give the same digest.
        built = [.. built.OrderBy(b => b.Platform.ToString(), StringComparer.Ordinal)];
        byte[] imageIndex = ImageDocuments.Index([.. built.Select(b => Descriptor.Of(ImageDocuments.ManifestMediaType, b.Manifest, b.Platform))]);
        byte[] index = ImageDocuments.Index([Descriptor.Of(ImageDocuments.IndexMediaType, imageIndex, annotations: Tagged(spec))]);
        string path = Path.Combine(folder, spec.Name + ".tar");
        OciArchive.Write(path, index, [imageIndex, .. built.SelectMany(b => b.Blobs)], spec.Created);
        return new ImageReport(path, string.Join(", ", built.Select(b => b.Platform)), Layer.DigestOf(imageIndex), 0, 0, 0);
    }

    private static Dictionary<string, string> Tagged(ImageSpec spec) => new() { [ImageDocuments.RefName] = spec.Reference };
}
