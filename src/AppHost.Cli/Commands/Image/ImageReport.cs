namespace AppHost.Cli.Commands.Image;

/// <summary>What an image build made, printed to stdout as "key value" lines a script can read.</summary>
/// <param name="Path">The archive.</param>
/// <param name="Platform">linux/amd64, or the platforms of a multi-platform index.</param>
/// <param name="Digest">The manifest's digest (of the index, for a multi-platform archive): what a registry names the image by.</param>
/// <param name="Compressed">The layers' bytes as pulled.</param>
/// <param name="Unpacked">The layers' bytes unpacked, as <c>podman images</c> counts them.</param>
/// <param name="FileSize">The native file alone, for comparison; 0 for an index.</param>
internal sealed record ImageReport(string Path, string Platform, string Digest, long Compressed, long Unpacked, long FileSize)
{
    public void WriteTo(TextWriter output)
    {
        output.WriteLine($"image     {Path}");
        output.WriteLine($"platform  {Platform}");
        output.WriteLine($"digest    {Digest}");
        if (FileSize > 0)
        {
            output.WriteLine($"layers    {Compressed} bytes compressed ({Compressed / 1e6:F1} MB), {Unpacked} unpacked ({Unpacked / 1e6:F1} MB); the file alone {FileSize / 1e6:F1} MB");
        }
    }
}
