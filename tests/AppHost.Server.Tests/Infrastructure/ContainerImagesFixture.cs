namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// The sample app's native files (x64 and arm64, from the shared native publish) made into OCI images
/// by <c>apphost image</c> once for the tests that share them, and made again into another folder,
/// so that a test can compare the two. Each image is unpacked on first use.
/// </summary>
public sealed class ContainerImagesFixture : IAsyncLifetime
{
    public const string Version = "1.2.3";

    /// <summary>The name podman load gives the image, and umoci unpacks it by: NAME:VERSION.</summary>
    public const string Reference = "apphostsample:" + Version;

    public const string Source = "https://example.org/apphostsample";

    public const string Revision = "0123456789abcdef0123456789abcdef01234567";

    private readonly TempDirectory _work = new();
    private readonly SemaphoreSlim _once = new(1);
    private Images? _images;

    /// <summary>What one build made: its archives and what apphost image printed.</summary>
    /// <param name="Report">apphost image's standard output.</param>
    public sealed record Build(string Folder, string Report)
    {
        public string X64 => Path.Combine(Folder, "linux-x64", "apphostsample.tar");

        public string Arm64 => Path.Combine(Folder, "linux-arm64", "apphostsample.tar");

        public string MultiPlatform => Path.Combine(Folder, "apphostsample.tar");
    }

    /// <param name="First">The build the tests use.</param>
    /// <param name="Second">The same inputs built again.</param>
    /// <param name="X64">The x64 image, unpacked.</param>
    /// <param name="Arm64">The arm64 image, unpacked.</param>
    public sealed record Images(Build First, Build Second, UnpackedImage X64, UnpackedImage Arm64);

    /// <summary>Builds the images from the native files the first time it is called.</summary>
    public async Task<Images> GetAsync(NativeAppFixture native)
    {
        await _once.WaitAsync();
        try
        {
            if (_images is null)
            {
                string[] files = [native.NativeFile, await native.Arm64Async()];
                var first = await BuildAsync(files, "first");
                var second = await BuildAsync(files, "second");
                _images = new Images(first, second,
                    await UnpackedImage.UnpackAsync(first.X64, Reference), await UnpackedImage.UnpackAsync(first.Arm64, Reference));
            }

            return _images;
        }
        finally
        {
            _once.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _images?.X64.Dispose();
        _images?.Arm64.Dispose();
        _work.Dispose();
        _once.Dispose();
        return Task.CompletedTask;
    }

    private async Task<Build> BuildAsync(string[] files, string name)
    {
        string folder = Path.Combine(_work.Path, name);
        var run = await AppHostTool.RunAsync(_work.Path, ["image", .. files, "-o", folder, "--version", Version, "--source", Source, "--revision", Revision]);
        return new Build(folder, run.AssertSucceeded().Output);
    }
}
