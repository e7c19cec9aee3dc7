using System.Formats.Tar;
using System.Runtime.InteropServices;
using System.Text.Json;
using AppHost.Cli.Commands.Image;
using AppHost.Cli.Commands.Publish;

namespace AppHost.Cli.Tests.Commands.Image;

/// <summary>
/// apphost publish --container labels the image from the project it published and from the commit
/// its folder is at, and tags it NAME:VERSION. Any ELF file of this machine stands in for the app:
/// the image's labels do not depend on what the file does.
/// </summary>
public sealed class PublishedImageTests : IDisposable
{
    private readonly TempDirectory _solution = new();

    [Fact]
    public async Task ImageIsLabelledFromTheProjectAndTheCommitOfItsFolder()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture is not (Architecture.X64 or Architecture.Arm64))
        {
            return; // the image is of a Linux x64 or arm64 file; /proc/self/exe is one only there
        }

        string root = _solution.Path;
        await GitAsync(root, "init", "--quiet");
        await GitAsync(root, "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "--quiet", "--allow-empty", "-m", "first");
        string commit = (await GitAsync(root, "rev-parse", "HEAD")).Output.Trim();
        string file = Path.Combine(root, "artifacts", "publish", "linux-x64", "shop");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.Copy("/proc/self/exe", file);
        var app = new AppProject(Path.Combine(root, "src", "Shop", "Shop.csproj"), "shop", root, "2.1.0", "https://example.org/shop");
        var published = new PublishReport(file, new FileInfo(file).Length, "", PublishMode.Native, null, app);

        var image = (await PublishedImage.BuildAsync([published], 8443, Serilog.Core.Logger.None, CancellationToken.None)).Single();

        var blobs = ReadArchive(image.Path);
        using var index = JsonDocument.Parse(blobs["index.json"]);
        var entry = index.RootElement.GetProperty("manifests")[0];
        using var manifest = JsonDocument.Parse(blobs[Blob(entry.GetProperty("digest").GetString()!)]);
        using var config = JsonDocument.Parse(blobs[Blob(manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()!)]);
        var labels = config.RootElement.GetProperty("config").GetProperty("Labels");

        Assert.StartsWith(Path.Combine(root, "artifacts", "container"), image.Path);
        Assert.Equal("shop:2.1.0", entry.GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString());
        Assert.Equal("2.1.0", labels.GetProperty("org.opencontainers.image.version").GetString());
        Assert.Equal("https://example.org/shop", labels.GetProperty("org.opencontainers.image.source").GetString());
        Assert.Equal(commit, labels.GetProperty("org.opencontainers.image.revision").GetString());
        Assert.Equal(labels.GetRawText(), manifest.RootElement.GetProperty("annotations").GetRawText());
        Assert.True(config.RootElement.GetProperty("config").GetProperty("ExposedPorts").TryGetProperty("8443/tcp", out _));
        Assert.Equal(["/app/shop"], config.RootElement.GetProperty("config").GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
    }

    public void Dispose() => _solution.Dispose();

    private static string Blob(string digest) => "blobs/sha256/" + digest["sha256:".Length..];

    /// <summary>Every file of the archive by its path, read into memory (the JSON documents are small; the layers are read too).</summary>
    private static Dictionary<string, byte[]> ReadArchive(string path)
    {
        var files = new Dictionary<string, byte[]>();
        using var reader = new TarReader(File.OpenRead(path));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is { } data)
            {
                using var copy = new MemoryStream();
                data.CopyTo(copy);
                files[entry.Name] = copy.ToArray();
            }
        }

        return files;
    }

    private static async Task<CommandRun> GitAsync(string directory, params string[] args) =>
        (await CommandRun.RunAsync(["git", "-C", directory, .. args])).AssertSucceeded();
}
