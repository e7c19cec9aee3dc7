using System.Security.Cryptography;

namespace AppHost.Cli.Commands.Publish;

/// <summary>What a publish made: printed to stdout as "key value" lines a script can read.</summary>
/// <param name="App">The project the file was made from.</param>
internal sealed record PublishReport(string Path, long Size, string Sha256, PublishMode Mode, Version? Glibc, AppProject App)
{
    /// <summary>Describes the file, and writes its checksum as <c>NAME.sha256</c> in the form <c>sha256sum -c</c> reads.</summary>
    public static PublishReport Create(string file, AppProject app, PublishMode mode, RuntimeTarget target, ArtifactLayout layout)
    {
        string sha256;
        using (var stream = File.OpenRead(file))
        {
            sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        Directory.CreateDirectory(layout.ChecksumDirectory);
        string name = System.IO.Path.GetFileName(file);
        File.WriteAllText(System.IO.Path.Combine(layout.ChecksumDirectory, name + ".sha256"), $"{sha256}  {name}\n");

        var glibc = mode == PublishMode.Native && target.Os == TargetOs.Linux ? GlibcRequirement.Read(file) : null;
        return new PublishReport(file, new FileInfo(file).Length, sha256, mode, glibc, app);
    }

    public void WriteTo(TextWriter output)
    {
        output.WriteLine($"path    {Path}");
        output.WriteLine($"size    {Size} bytes ({Size / 1e6:F1} MB)");
        output.WriteLine($"sha256  {Sha256}");
        output.WriteLine($"mode    {(Mode == PublishMode.Native ? "native (NativeAOT)" : "single-file (trimmed, self-contained)")}");
        if (Glibc is not null)
        {
            output.WriteLine($"glibc   {Glibc} or newer");
        }
    }
}
