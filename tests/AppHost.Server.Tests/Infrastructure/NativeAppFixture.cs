using System.Runtime.InteropServices;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// Publishes the sample app once with the template's own publish script, NativeAOT, into a
/// temporary artifacts folder, as a user would. Takes about a minute; the tests that need it share it.
/// </summary>
public sealed class NativeAppFixture : IAsyncLifetime
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);
    private readonly TempDirectory _artifacts = new();
    private readonly SemaphoreSlim _publishing = new(1);
    private readonly Lazy<Task<string>> _hostGlibc;
    private readonly Lazy<Task<string>> _arm64;
    private readonly Lazy<Task<string>> _withMetrics;

    public string Rid { get; } = RuntimeInformation.RuntimeIdentifier;

    public string Artifacts => _artifacts.Path;

    public string PublishDirectory => Path.Combine(Artifacts, "publish", Rid);

    public string NativeFile => Path.Combine(PublishDirectory, OperatingSystem.IsWindows() ? "apphostsample.exe" : "apphostsample");

    /// <summary>What the publish script printed: its report of path, size, sha256 and glibc.</summary>
    public string Report { get; private set; } = "";

    public TestCertificates Certificates { get; } = new();

    public async Task InitializeAsync() => Report = await PublishAsync(Artifacts, Rid);

    /// <summary>
    /// The same app linked against this machine's glibc, as a plain publish does (AppHostPortableGlibc=false):
    /// the control that shows an old system really rejects a file built the usual way. It reuses the
    /// first publish's compiled code, so it costs only a link.
    /// </summary>
    public Task<string> LinkedAgainstThisMachinesGlibcAsync() => _hostGlibc.Value;

    /// <summary>The app for linux-arm64, cross-compiled on this machine.</summary>
    public Task<string> Arm64Async() => _arm64.Value;

    /// <summary>
    /// The app built with metrics (MetricsSupport=true), as a user who wants /metrics builds it: the
    /// template leaves them out to keep the file under its size budget. A second full native compile.
    /// </summary>
    public Task<string> WithMetricsAsync() => _withMetrics.Value;

    /// <summary>Starts the app built with metrics (<see cref="WithMetricsAsync"/>) with these arguments, and waits until it serves.</summary>
    public async Task<AppHost.Testing.RunningApp> StartWithMetricsAsync(params string[] args) =>
        await SampleApp.StartAsync(args, environment: null, executable: await WithMetricsAsync());

    public Task DisposeAsync()
    {
        Certificates.Dispose();
        _artifacts.Dispose();
        _publishing.Dispose();
        return Task.CompletedTask;
    }

    public NativeAppFixture()
    {
        _hostGlibc = new(async () =>
        {
            string folder = Path.Combine(Artifacts, "host-glibc");
            await PublishAsync(folder, Rid, "-p:AppHostPortableGlibc=false");
            return Path.Combine(folder, "publish", Rid, "apphostsample");
        });
        _withMetrics = new(async () =>
        {
            string folder = Path.Combine(Artifacts, "with-metrics");
            await PublishAsync(folder, Rid, "-p:MetricsSupport=true");
            return Path.Combine(folder, "publish", Rid, "apphostsample");
        });
        _arm64 = new(async () =>
        {
            await PublishAsync(Artifacts, "linux-arm64");
            return Path.Combine(Artifacts, "publish", "linux-arm64", "apphostsample");
        });
    }

    /// <summary>Runs the template's publish script as a user does, into <paramref name="artifacts"/>.</summary>
    /// <returns>What it printed: its report of path, size, sha256 and glibc.</returns>
    private async Task<string> PublishAsync(string artifacts, string rid, params string[] properties)
    {
        // The template's solution, which holds its publish scripts.
        string root = Path.Combine(RepositoryRoot.Path, "src", "Templates", "apphost");
        // The build's own bin/ and obj/ folders in the temporary folder too: other tests build
        // AppHost.Server at the same time (the journey packs it), and two builds must not share obj/.
        // Every publish of this fixture shares them, so a second one reuses what it can.
        string build = Path.Combine(Artifacts, "build");
        string[] script = OperatingSystem.IsWindows()
            ? ["pwsh", "-NoProfile", "-File", Path.Combine(root, "publish.ps1")]
            : ["bash", Path.Combine(root, "publish.sh")];

        // One publish at a time: they share the build folder.
        await _publishing.WaitAsync();
        try
        {
            var publish = await CommandRun.RunAsync([.. script, rid, "--artifacts-path", build, .. properties], timeout: PublishTimeout,
                environment: new Dictionary<string, string> { ["ARTIFACTS_DIR"] = artifacts });
            return publish.AssertSucceeded().Output;
        }
        finally
        {
            _publishing.Release();
        }
    }
}
