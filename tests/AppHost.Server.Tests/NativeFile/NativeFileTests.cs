using System.IO.Compression;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.NativeFile;

/// <summary>publish.sh makes ONE native file that serves HTTPS with HTTP/2 and stops cleanly on SIGTERM.</summary>
[Collection(NativeAppCollection.Name)]
public sealed class NativeFileTests(NativeAppFixture native)
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
        await using var app = await SampleApp.StartAsync(["--cert", native.Certificates.Pfx], environment: null, executable: native.NativeFile);
        using var client = TestClients.Http2(app.Address, native.Certificates.Certificate);

        using var response = await client.GetAsync("/api/greeting?name=native");
        // wwwroot/ is inside the file: the stylesheet, in Brotli, as the JIT build serves it.
        using var stylesheet = new HttpRequestMessage(HttpMethod.Get, "/site.css") { Headers = { { "Accept-Encoding", "br" } } };
        using var css = await client.SendAsync(stylesheet);
        app.Process.Signal(PosixSignal.SIGTERM);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Contains("Hello, native!", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal(["br"], css.Content.Headers.ContentEncoding);
        await using var decoded = new BrotliStream(await css.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        using var reader = new StreamReader(decoded);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(SampleApp.SourceFolder("wwwroot"), "site.css")), await reader.ReadToEndAsync());
        Assert.Equal(0, await app.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    // Hosting/StartupData only acts in a native file, so its test is here, with the one publish.
    [Fact]
    public async Task StartupDataIsReleasedAndNoLongerInMemory()
    {
        await using var app = await SampleApp.StartAsync(["--cert", native.Certificates.Pfx, "--log-level", "debug"], environment: null, executable: native.NativeFile);
        using var client = TestClients.Http2(app.Address, native.Certificates.Certificate);
        using var response = await client.GetAsync("/healthz");

        var released = app.LogEvents().SingleOrDefault(e => e.GetProperty("@mt").GetString()!.StartsWith("Released", StringComparison.Ordinal));
        Assert.True(released.ValueKind == JsonValueKind.Object, "StartupData released nothing: did a .NET update change the runtime's module header?");
        long length = released.GetProperty("Length").GetInt64();
        long offset = released.GetProperty("FileOffset").GetInt64();

        // The sample's compressed type data is 1.7 MB, and an app only adds to it. Start-up read all
        // of it; afterwards at most the pages at either end may be back, mapped in by the kernel's
        // fault-around (up to 64 KiB, 16 pages, around a page read next to them).
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(length > 1_000_000, $"released only {length} bytes");
        Assert.InRange(ResidentPages.OfProgramFile(app.Process.Id, offset, length), 0, 32);
    }

    [Fact]
    public async Task NativeFileRefusesBadInputWithOneLine()
    {
        await using var process = SampleApp.Start(["--cert", native.Certificates.Missing], executable: native.NativeFile);
        int exitCode = await process.WaitForExitAsync(AppExit.Timeout);

        new AppExit(exitCode, process.StandardOutput, process.StandardError).AssertOneLineError(1, "does not exist");
    }
}
