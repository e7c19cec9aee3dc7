using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using AppHostSample.Tests.Infrastructure;

namespace AppHostSample.Tests.Publish;

/// <summary>publish.sh makes ONE native file that serves HTTPS with HTTP/2 and stops cleanly on SIGTERM.</summary>
public sealed class NativeFileTests(NativeAppFixture native) : IClassFixture<NativeAppFixture>
{
    [Fact]
    public void PublishFolderHoldsOnlyTheNativeFile()
    {
        Assert.Equal([native.NativeFile], Directory.GetFiles(native.PublishDirectory));
        Assert.Empty(Directory.GetDirectories(native.PublishDirectory));
    }

    [Fact]
    public void ChecksumAndSymbolsAreWrittenApart()
    {
        string name = Path.GetFileName(native.NativeFile);
        string checksum = File.ReadAllText(Path.Combine(native.Artifacts, "sha256", native.Rid, name + ".sha256"));
        string actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(native.NativeFile)));

        Assert.Equal($"{actual}  {name}\n", checksum);
        Assert.Contains(actual, native.Report);
        if (OperatingSystem.IsLinux())
        {
            Assert.True(File.Exists(Path.Combine(native.Artifacts, "symbols", native.Rid, name + ".dbg")));
            Assert.Matches(@"needs +GLIBC 2\.\d+ or newer", native.Report);
        }
    }

    [Fact]
    public async Task NativeFileServesHttp2OverTlsAndStopsOnSigterm()
    {
        await using var app = await TestApp.StartAsync(["--cert", native.Certificates.Pfx], environment: null, executable: native.NativeFile);
        using var client = TestClients.Http2(app.Address, native.Certificates.Certificate);

        using var response = await client.GetAsync("/api/greeting?name=native");
        app.Process.Signal(PosixSignal.SIGTERM);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Contains("Hello, native!", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task StartupDataIsReleasedAndNoLongerInMemory()
    {
        await using var app = await TestApp.StartAsync(["--cert", native.Certificates.Pfx, "--log-level", "debug"], environment: null, executable: native.NativeFile);
        using var client = TestClients.Http2(app.Address, native.Certificates.Certificate);
        using var response = await client.GetAsync("/healthz");

        var released = app.LogEvents().Single(e => e.GetProperty("@mt").GetString()!.StartsWith("Released", StringComparison.Ordinal));
        long length = released.GetProperty("Length").GetInt64();
        long offset = released.GetProperty("FileOffset").GetInt64();

        // The compressed type data of this app is about 1.7 MB; start-up read all of it.
        Assert.InRange(length, 1_000_000, 4_000_000);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, ResidentPages.Count(app.Process.Id, native.NativeFile, offset, length));
    }

    [Fact]
    public async Task NativeFileRefusesBadInputWithOneLine()
    {
        await using var process = AppProcess.Start(["--cert", native.Certificates.Missing], executable: native.NativeFile);
        int exitCode = await process.WaitForExitAsync(AppExit.Timeout);

        new AppExit(exitCode, process.StandardOutput, process.StandardError).AssertOneLineError(1, "does not exist");
    }
}
