using System.Net;
using System.Net.Security;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.NativeFile;

/// <summary>
/// apphost image makes OCI image archives of the native file that container tools accept, and that
/// run as the image says: the entrypoint as a numeric non-root user on a read-only root, serving
/// HTTPS with HTTP/2 and draining on SIGTERM, with no shell inside, the same digest every time.
/// </summary>
[Collection(NativeAppCollection.Name)]
[SupportedOSPlatform("linux")] // the tools and namespaces are Linux's; the attributes skip elsewhere
public sealed class ContainerImageTests(NativeAppFixture native, ContainerImagesFixture images) : IClassFixture<ContainerImagesFixture>
{
    private const string Greeting = "/api/greeting?name=image";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [ContainerToolsFact]
    public async Task SkopeoReadsTheArchiveAsTheImageDescribesItselfAndPodmanLoadsIt()
    {
        var built = await images.GetAsync(native);

        using var inspect = await SkopeoAsync("inspect", $"oci-archive:{built.First.X64}");
        using var config = await SkopeoAsync("inspect", "--config", $"oci-archive:{built.First.X64}");
        var load = (await CommandRun.RunAsync(["podman", "load", "--input", built.First.X64])).AssertSucceeded();
        (await CommandRun.RunAsync(["podman", "rmi", $"localhost/{ContainerImagesFixture.Reference}"])).AssertSucceeded();

        var labels = inspect.RootElement.GetProperty("Labels");
        Assert.Equal("amd64", inspect.RootElement.GetProperty("Architecture").GetString());
        Assert.Equal(ContainerImagesFixture.Version, labels.GetProperty("org.opencontainers.image.version").GetString());
        Assert.Equal(ContainerImagesFixture.Source, labels.GetProperty("org.opencontainers.image.source").GetString());
        Assert.Equal(ContainerImagesFixture.Revision, labels.GetProperty("org.opencontainers.image.revision").GetString());
        var run = config.RootElement.GetProperty("config");
        Assert.Equal("65532:65532", run.GetProperty("User").GetString());
        Assert.Equal(["/app/apphostsample"], run.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.True(run.GetProperty("ExposedPorts").TryGetProperty("8080/tcp", out _));
        Assert.Equal("SIGTERM", run.GetProperty("StopSignal").GetString());
        Assert.Contains($"Loaded image: localhost/{ContainerImagesFixture.Reference}", load.Output + load.Errors);
    }

    [ContainerToolsFact]
    public async Task ImageServesHttp2AsItsUserOnAReadOnlyRootAndDrainsOnSigterm()
    {
        var built = await images.GetAsync(native);
        using var certificates = await CertificateFolderAsync(built.X64.User);
        await using var container = await ImageContainer.StartAsync(built.X64, certificates.Path,
            "--cert", $"{ImageContainer.Certificates}/cert.pem", "--key", $"{ImageContainer.Certificates}/key.pem");
        using var client = TestClients.Http2(container.App.Address, native.Certificates.Certificate);
        using var response = await client.GetAsync(Greeting);
        string status = await File.ReadAllTextAsync($"/proc/{container.AppPid}/status");
        string mounts = await File.ReadAllTextAsync($"/proc/{container.AppPid}/mountinfo");

        // A request on its way when SIGTERM comes: sent before the client read the server's GOAWAY.
        int port = container.App.Address.Port;
        await using var http2 = await RawHttps.ConnectAsync(port, SslApplicationProtocol.Http2);
        await http2.Tls.WriteAsync(Http2Wire.ConnectionStart());
        await http2.Tls.WriteAsync(Http2Wire.Get(1, $"127.0.0.1:{port}", Greeting));
        Assert.True(Http2Wire.IsStatus200(await Http2Wire.NextAsync(http2.Tls, Http2Wire.Headers, Deadline)));
        container.Signal(PosixSignal.SIGTERM);
        await Http2Wire.NextAsync(http2.Tls, Http2Wire.GoAway, Deadline);
        await http2.Tls.WriteAsync(Http2Wire.Get(3, $"127.0.0.1:{port}", Greeting));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Matches(@"(?m)^Uid:\s+65532\s+65532\s+65532\s+65532$", status);
        Assert.Matches(@"(?m)^NSpid:\s+\d+\s+1$", status); // PID 1 of its namespace, as in a pod
        // mountinfo: ID PARENT MAJOR:MINOR ROOT MOUNTPOINT OPTIONS ...; the container's "/" is read-only.
        Assert.Matches(@"(?m)^\S+ \S+ \S+ \S+ / ro[, ]", mounts);
        Assert.True(Http2Wire.IsStatus200(await Http2Wire.NextAsync(http2.Tls, Http2Wire.Headers, Deadline)));
        Assert.Equal(0, await container.App.Process.WaitForExitAsync(Deadline));
    }

    [ContainerToolsFact]
    public async Task ImageHoldsNoShellNoPackageManagerAndNoProgramButTheApp()
    {
        var built = await images.GetAsync(native);
        string root = built.X64.Root;
        var files = Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(f => Path.GetRelativePath(root, f)).ToList();

        string[] forbidden = ["sh", "bash", "dash", "busybox", "dpkg", "apt", "apt-get", "getent", "ldconfig"];
        Assert.DoesNotContain(files, f => forbidden.Contains(Path.GetFileName(f)) && !Directory.Exists(Path.Combine(root, f))); // var/lib/dpkg holds only status.d
        Assert.False(Directory.Exists(Path.Combine(root, "bin")) || Directory.Exists(Path.Combine(root, "sbin")) || Directory.Exists(Path.Combine(root, "usr", "bin")));
        // Every runnable file is the app or a shared library (the loader among them).
        var runnable = files.Where(f => File.Exists(Path.Combine(root, f)) && !new FileInfo(Path.Combine(root, f)).Attributes.HasFlag(FileAttributes.ReparsePoint)
            && (File.GetUnixFileMode(Path.Combine(root, f)) & UnixFileMode.OtherExecute) != 0);
        Assert.Equal(["app/apphostsample"], runnable.Where(f => !Regex.IsMatch(Path.GetFileName(f), @"\.so(\.\d+)*$")));
    }

    [ContainerToolsFact]
    public async Task CaBundleHoldsThePackagesCertificatesWhereOpenSslLooks()
    {
        var built = await images.GetAsync(native);
        string bundle = Path.Combine(built.X64.Root, "etc", "ssl", "certs", "ca-certificates.crt");
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(bundle);

        // Debian 12's ca-certificates holds about 140 roots; fewer than 100 means the bundle lost some.
        Assert.True(certificates.Count > 100, $"the bundle holds {certificates.Count} certificates");
        Assert.Equal(File.ReadAllText(bundle).Split("-----BEGIN CERTIFICATE-----").Length - 1, certificates.Count);
        Assert.Equal("/etc/ssl/certs/ca-certificates.crt", new FileInfo(Path.Combine(built.X64.Root, "usr", "lib", "ssl", "cert.pem")).LinkTarget);
    }

    [ContainerToolsFact]
    public async Task TheSameInputsGiveTheSameBytesAndDigests()
    {
        var built = await images.GetAsync(native);

        Assert.Equal(await File.ReadAllBytesAsync(built.First.X64), await File.ReadAllBytesAsync(built.Second.X64));
        Assert.Equal(await File.ReadAllBytesAsync(built.First.Arm64), await File.ReadAllBytesAsync(built.Second.Arm64));
        Assert.Equal(await File.ReadAllBytesAsync(built.First.MultiPlatform), await File.ReadAllBytesAsync(built.Second.MultiPlatform));
        Assert.Equal(built.First.Report.Replace(built.First.Folder, ""), built.Second.Report.Replace(built.Second.Folder, ""));
    }

    [ContainerToolsFact]
    public async Task ReportGivesEachImagesSizesBesideTheFilesAndTheDigestRegistriesShow()
    {
        var built = await images.GetAsync(native);
        using var inspect = await SkopeoAsync("inspect", $"oci-archive:{built.First.X64}");
        var x64 = ReportOf(built.First.Report, built.First.X64);

        long compressed = long.Parse(Regex.Match(x64["layers"], @"^(\d+) bytes compressed").Groups[1].Value);
        long unpacked = long.Parse(Regex.Match(x64["layers"], @", (\d+) unpacked").Groups[1].Value);
        long file = new FileInfo(native.NativeFile).Length;

        Assert.Equal(inspect.RootElement.GetProperty("Digest").GetString(), x64["digest"]);
        Assert.Equal("linux/amd64", x64["platform"]);
        Assert.Contains($"the file alone {file / 1e6:F1} MB", x64["layers"]);
        // The base adds glibc and OpenSSL: unpacked, more than the file; compressed, less than it.
        Assert.InRange(unpacked, file, file + 20_000_000);
        Assert.InRange(compressed, file / 4, file);
    }

    [ContainerToolsFact]
    public async Task MultiPlatformArchiveOffersBothImagesToSkopeo()
    {
        var built = await images.GetAsync(native);
        using var index = await SkopeoAsync("inspect", "--raw", $"oci-archive:{built.First.MultiPlatform}");
        using var arm64 = await SkopeoAsync("inspect", "--override-arch", "arm64", $"oci-archive:{built.First.MultiPlatform}");
        var manifests = index.RootElement.GetProperty("manifests").EnumerateArray().ToList();

        Assert.Equal("application/vnd.oci.image.index.v1+json", index.RootElement.GetProperty("mediaType").GetString());
        Assert.Equal(["amd64", "arm64"], manifests.Select(m => m.GetProperty("platform").GetProperty("architecture").GetString()));
        // Each entry is the image of that platform's own archive, byte for byte.
        Assert.Equal([ReportOf(built.First.Report, built.First.X64)["digest"], ReportOf(built.First.Report, built.First.Arm64)["digest"]],
            manifests.Select(m => m.GetProperty("digest").GetString()));
        // skopeo names a multi-platform image by its index, and picks the platform asked for.
        Assert.Equal(ReportOf(built.First.Report, built.First.MultiPlatform)["digest"], arm64.RootElement.GetProperty("Digest").GetString());
        Assert.Equal("arm64", arm64.RootElement.GetProperty("Architecture").GetString());
    }

    [ContainerToolsFact]
    public async Task Arm64ImagesFileServesUnderQemuWithTheImagesOwnLibraries()
    {
        if (RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            return; // qemu-user is for x64 machines; an arm64 machine runs the x64 test's way
        }

        var built = await images.GetAsync(native);
        string root = built.Arm64.Root;
        // -L: the loader, libc and libssl are looked up in the image's root first, not this machine's.
        await using var app = await RunningApp.StartAsync(Path.Combine(root, "app", "apphostsample"), ["--cert", native.Certificates.Pfx],
            environment: null, ["qemu-aarch64-static", "-L", root]);
        using var client = TestClients.Http2(app.Address, native.Certificates.Certificate);
        using var response = await client.GetAsync(Greeting);
        app.Process.Signal(PosixSignal.SIGTERM);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(0, await app.Process.WaitForExitAsync(Deadline));
    }

    [PodmanRunFact]
    public async Task PodmanRunsTheImageReadOnlyAndStopsItWithSigterm()
    {
        var built = await images.GetAsync(native);
        using var certificates = await CertificateFolderAsync(built.X64.User);
        int port = FreePorts.Take();
        (await CommandRun.RunAsync(["podman", "load", "--input", built.First.X64])).AssertSucceeded();
        string id = (await CommandRun.RunAsync(["podman", "run", "--detach", "--read-only", "--network", "host",
            "--volume", $"{certificates.Path}:{ImageContainer.Certificates}:ro", $"localhost/{ContainerImagesFixture.Reference}",
            "--cert", $"{ImageContainer.Certificates}/cert.pem", "--key", $"{ImageContainer.Certificates}/key.pem", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])).AssertSucceeded().Output.Trim();
        try
        {
            var address = new Uri($"https://127.0.0.1:{port}");
            await Poll.UntilAsync(() => Poll.CanConnectAsync(port), Deadline, "the container to listen");
            using var client = TestClients.Http2(address, native.Certificates.Certificate);
            using var response = await client.GetAsync(Greeting);
            (await CommandRun.RunAsync(["podman", "stop", "--time", "30", id])).AssertSucceeded();
            var exit = (await CommandRun.RunAsync(["podman", "inspect", "--format", "{{.State.ExitCode}}", id])).AssertSucceeded();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("0", exit.Output.Trim());
        }
        finally
        {
            await CommandRun.RunAsync(["podman", "rm", "--force", id]);
            await CommandRun.RunAsync(["podman", "rmi", $"localhost/{ContainerImagesFixture.Reference}"]);
        }
    }

    /// <summary>The test certificate as PEM files in a folder of their own, readable by the image's user only, as a mounted secret is.</summary>
    private async Task<TempDirectory> CertificateFolderAsync(string user)
    {
        var folder = new TempDirectory();
        File.Copy(native.Certificates.CertificatePem, Path.Combine(folder.Path, "cert.pem"));
        File.Copy(native.Certificates.KeyPem, Path.Combine(folder.Path, "key.pem"));
        foreach (string file in Directory.GetFiles(folder.Path))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead);
        }

        (await CommandRun.RunAsync(["chown", "-R", user, folder.Path])).AssertSucceeded();
        return folder;
    }

    /// <summary>The "key value" lines apphost image printed for one archive.</summary>
    private static Dictionary<string, string> ReportOf(string report, string archive)
    {
        var lines = report.Split('\n').Select(l => l.TrimEnd()).SkipWhile(l => l != $"image     {archive}").TakeWhile(l => l.Length > 0).ToList();
        var fields = new Dictionary<string, string>();
        foreach (string line in lines)
        {
            string key = line.Split(' ')[0];
            if (!fields.TryAdd(key, line[key.Length..].Trim()))
            {
                break; // the next archive's lines
            }
        }

        return fields;
    }

    private static async Task<JsonDocument> SkopeoAsync(params string[] args) =>
        JsonDocument.Parse((await CommandRun.RunAsync(["skopeo", .. args])).AssertSucceeded().Output);
}
