using System.Net;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using AppHost.Server.Tests.Infrastructure;
using AppHost.Testing;

namespace AppHost.Server.Tests.NativeFile;

/// <summary>
/// The native file runs on Linux servers older than the build machine: linked against glibc 2.31
/// with log and pow bound to their old versions, it needs glibc 2.28 at most, and it serves on
/// Debian 11 where a file linked the usual way does not even start. The same holds for the arm64 file
/// this x64 machine cross-compiles, run under qemu.
/// </summary>
[Collection(NativeAppCollection.Name)]
public sealed class PortableGlibcTests(NativeAppFixture native)
{
    // RHEL 8 and its rebuilds (Alma, Rocky) have glibc 2.28, the oldest the file must run on.
    private static readonly Version Ceiling = new(2, 28);

    [Fact]
    public async Task NativeFileNeedsGlibc228AtMost()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        Assert.InRange(await NewestGlibcNeededAsync(native.NativeFile), new Version(2, 2), Ceiling);
    }

    [OldGlibcFact]
    public async Task ServesHttpsAndHttp2OnDebian11()
    {
        var launcher = await OldGlibcRoot.LauncherAsync(native.Certificates);
        await using var app = await RunningApp.StartAsync(native.NativeFile, OldGlibcRoot.CertificateOptions, environment: null, launcher);
        using var client = TestClients.Http2(app.Address, native.Certificates.Certificate);

        using var response = await client.GetAsync("/api/greeting?name=bullseye");
        using var http11Client = TestClients.Http11(app.Address, native.Certificates.Certificate);
        using var http11 = await http11Client.GetAsync("/healthz");
        // The libraries the process mapped are Debian 11's, seen from this machine through the overlay.
        string maps = await File.ReadAllTextAsync($"/proc/{app.Process.Id}/maps");
        app.Process.Signal(PosixSignal.SIGTERM);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Contains("Hello, bullseye!", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, http11.StatusCode);
        Assert.Contains("libc-2.31.so", maps);
        Assert.Contains("libssl.so.1.1", maps);
        Assert.Equal(0, await app.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [OldGlibcFact]
    public async Task FileLinkedAgainstThisMachinesGlibcDoesNotStartOnDebian11()
    {
        string usual = await native.LinkedAgainstThisMachinesGlibcAsync();
        var launcher = await OldGlibcRoot.LauncherAsync(native.Certificates);

        var run = await CommandRun.RunAsync([.. launcher, usual, "--port", "0", .. OldGlibcRoot.CertificateOptions]);

        // The control: this machine's glibc (2.36) is newer than Debian 11's, so the loader refuses the file.
        Assert.True(await NewestGlibcNeededAsync(usual) > Ceiling);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Matches(@"version `GLIBC_2\.3[2-9]' not found", run.Errors);
    }

    [Fact]
    public async Task Arm64FileNeedsGlibc228AtMostAndServesUnderQemu()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            return; // the cross-compile and qemu are for x64 machines; an arm64 machine runs the file itself
        }

        // CI installs these (.ci/run); a machine without them fails here with what to install.
        Assert.True(WhyNoQemu() is null, WhyNoQemu());

        string arm64 = await native.Arm64Async();
        Assert.InRange(await NewestGlibcNeededAsync(arm64), new Version(2, 2), Ceiling);

        // qemu-user runs the aarch64 file with the aarch64 loader, libc and libssl that multiarch installed.
        await using var app = await RunningApp.StartAsync(arm64, ["--cert", native.Certificates.Pfx], environment: null, ["qemu-aarch64-static"]);
        using var client = TestClients.Http2(app.Address, native.Certificates.Certificate);
        using var response = await client.GetAsync("/api/greeting?name=arm64");
        app.Process.Signal(PosixSignal.SIGTERM);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Contains("Hello, arm64!", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>The newest GLIBC_ version among the symbol versions the file needs, read with objdump as the issue asks.</summary>
    private static async Task<Version> NewestGlibcNeededAsync(string file)
    {
        var dump = (await CommandRun.RunAsync(["objdump", "-T", file])).AssertSucceeded();
        return Regex.Matches(dump.Output, @"GLIBC_(\d+\.\d+(?:\.\d+)?)")
            .Select(m => Version.Parse(m.Groups[1].Value)).Max()!;
    }

    private static string? WhyNoQemu() =>
        !File.Exists("/usr/bin/qemu-aarch64-static") ? "qemu-aarch64-static is missing: sudo apt-get install qemu-user-static"
        : !File.Exists("/lib/ld-linux-aarch64.so.1") || !File.Exists("/usr/lib/aarch64-linux-gnu/libssl.so.3")
            ? "the arm64 C library and OpenSSL are missing: sudo dpkg --add-architecture arm64 && sudo apt-get update && sudo apt-get install libc6:arm64 libssl3:arm64"
        : null;
}
