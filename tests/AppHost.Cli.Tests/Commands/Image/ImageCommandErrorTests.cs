namespace AppHost.Cli.Tests.Commands.Image;

/// <summary>
/// Every way <c>apphost image</c> and <c>apphost publish --container</c> can be given something wrong:
/// one line, a documented exit code, before any download or build, and no archive left behind.
/// </summary>
public sealed class ImageCommandErrorTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task MissingFileIsNamed()
    {
        var run = await AppHostTool.RunAsync(_directory.Path, "image", "artifacts/publish/linux-x64/shop");

        run.AssertOneLineError(2, "'artifacts/publish/linux-x64/shop' does not exist", "apphost publish made");
    }

    [Fact]
    public async Task FileThatIsNotANativeLinuxProgramIsRefused()
    {
        string file = Published("linux-x64", "shop", "#!/bin/sh\necho not a native file\n"u8.ToArray());

        var run = await AppHostTool.RunAsync(_directory.Path, "image", file);

        run.AssertOneLineError(2, "is not a Linux native file for x64 or arm64", "--rid linux-x64");
        Assert.False(Directory.Exists(Path.Combine(_directory.Path, "artifacts", "container")));
    }

    [Fact]
    public async Task TwoFilesForOneProcessorAreRefused()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // /proc/self/exe, a real ELF file, is Linux's
        }

        byte[] elf = File.ReadAllBytes("/proc/self/exe");
        string x64 = Published("linux-x64", "shop", elf);
        string again = Published("linux-arm64", "shop", elf);

        var run = await AppHostTool.RunAsync(_directory.Path, "image", x64, again);

        run.AssertOneLineError(2, "are for the same processor", "one file per processor");
    }

    [Fact]
    public async Task FileOutsideArtifactsNeedsAnOutputFolder()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // /proc/self/exe, a real ELF file, is Linux's
        }

        string file = Path.Combine(_directory.Path, "shop");
        File.Copy("/proc/self/exe", file);

        var run = await AppHostTool.RunAsync(_directory.Path, "image", file);

        run.AssertOneLineError(2, "is not in an artifacts/publish/RID folder", "-o");
    }

    [Fact]
    public async Task PortOutOfRangeIsRefused()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // /proc/self/exe, a real ELF file, is Linux's
        }

        string file = Published("linux-x64", "shop", File.ReadAllBytes("/proc/self/exe"));

        var run = await AppHostTool.RunAsync(_directory.Path, "image", file, "--port", "70000");

        run.AssertOneLineError(2, "--port 70000 is not a TCP port", "1 to 65535");
    }

    [Fact]
    public async Task ContainerForWindowsIsRefusedBeforeBuildingAnything()
    {
        // linux-x64 first: it is not built either, though it could be.
        var run = await AppHostTool.RunAsync(_directory.Path, "publish", "--rid", "linux-x64", "--rid", "win-x64", "--container");

        run.AssertOneLineError(2, "--container makes Linux images, not win-x64", "--rid linux-x64");
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>A file where apphost publish would put it: artifacts/publish/RID/NAME.</summary>
    private string Published(string rid, string name, byte[] content)
    {
        string file = Path.Combine(_directory.Path, "artifacts", "publish", rid, name);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, content);
        return file;
    }
}
