using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.NativeFile;

/// <summary>
/// The README's first command, build/try-native.sh, as a new user runs it on a fresh Debian 12 with
/// only the .NET SDK: it says in one line what to install before it builds anything, and after the
/// apt line it names, it publishes the sample natively and serves HTTP/2.
/// </summary>
public sealed class FreshMachineTests(FreshDebian debian) : IClassFixture<FreshDebian>
{
    // One NativeAOT publish with its restore and the old glibc's download: about 80 s on 2 idle cores.
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);

    [FreshDebianFact]
    public async Task WithoutTheLinkToolsItNamesTheAptLineBeforeBuilding()
    {
        using var repository = await FreshDebian.CopyRepositoryAsync();
        var clock = Stopwatch.StartNew();

        await using var container = debian.Start(debian.BareRoot, repository.Path, ["build/try-native.sh"]);
        var run = await container.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(3, run.ExitCode);
        // systemd-nspawn may add notes of its own on stderr; the script's is one line.
        string line = Assert.Single(run.Errors.Split('\n'), l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.EndsWith($"this machine lacks clang, ld.lld, llvm-objcopy, xz: sudo apt-get install {FreshDebian.AptLine} (Fedora: sudo dnf install clang lld llvm xz)", line);
        Assert.Empty(run.Output);
        // Before the build: nothing restored or compiled (a build spends some 30 s there before the package's own check).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the refusal took {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.False(Directory.Exists(Path.Combine(repository.Path, "artifacts")));
        Assert.Empty(Directory.GetDirectories(repository.Path, "obj", SearchOption.AllDirectories));
    }

    [FreshDebianFact]
    public async Task AfterTheAptLineItPublishesNativelyAndServesHttp2()
    {
        using var repository = await FreshDebian.CopyRepositoryAsync();
        int port = FreePorts.Take();

        await using var container = debian.Start(debian.LinkToolsRoot, repository.Path, ["build/try-native.sh", port.ToString(CultureInfo.InvariantCulture)]);
        await Poll.UntilAsync(async () => container.HasExited || await Poll.CanConnectAsync(port), PublishTimeout, "try-native.sh's server to listen");
        if (container.HasExited)
        {
            var ended = await container.WaitForExitAsync(TimeSpan.FromSeconds(10));
            Assert.Fail($"try-native.sh ended with exit code {ended.ExitCode}:\n{ended.Output}\n{ended.Errors}");
        }

        // The certificate the script made with apphost cert, in the repository's copy.
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(repository.Path, "artifacts", "sample", "localhost.pfx"), password: null);
        using var client = TestClients.Http2(new Uri($"https://localhost:{port}"), certificate);
        using var response = await client.GetAsync("/api/greeting?name=fresh");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Contains("Hello, fresh!", await response.Content.ReadAsStringAsync());
        Assert.True(File.Exists(Path.Combine(repository.Path, "artifacts", "sample", "publish", RuntimeInformation.RuntimeIdentifier, "apphostsample")));
    }
}
