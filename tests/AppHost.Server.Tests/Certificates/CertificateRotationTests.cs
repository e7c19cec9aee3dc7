using System.Runtime.InteropServices;
using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Certificates;

/// <summary>
/// Certificates rotate without a restart: replaced files (by rename, as certbot does, or by a
/// symlink swap, as Kubernetes does) or SIGHUP put the new certificate on new handshakes, while
/// clients under load that never resend a request see no failure. A broken new file leaves the old certificate serving.
/// </summary>
public sealed class CertificateRotationTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _directory = new();
    private readonly (string CertificatePem, string KeyPem, string Thumbprint) _old = TestCertificates.NewPemPair();
    private readonly (string CertificatePem, string KeyPem, string Thumbprint) _new = TestCertificates.NewPemPair();

    private string CertPath => Path.Combine(_directory.Path, "cert.pem");

    private string KeyPath => Path.Combine(_directory.Path, "key.pem");

    [Fact]
    public async Task FilesReplacedByRenameAreServedWithoutAFailedRequest()
    {
        await using var app = await StartWithOldPairAsync();
        await using var load = StrictLoad.Start(app.Address.Port);
        await ServedRequests.MoreAsync(app, 50, Deadline);

        // As certbot does: write beside, then rename over; key first, so for a moment the pair does not match.
        TestCertificates.ReplaceByRename(KeyPath, _new.KeyPem);
        TestCertificates.ReplaceByRename(CertPath, _new.CertificatePem);

        await ServedCertificateBecomesAsync(app, _new.Thumbprint);
        await ServedRequests.MoreAsync(app, 50, Deadline);
        StrictLoad.AssertNothingLost(await load.StopAsync());
        Assert.Contains(app.LogEvents(), e => e.GetProperty("@mt").GetString()!.StartsWith("Certificate reloaded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SymlinkSwapIsServed()
    {
        // Kubernetes' layout: cert.pem -> ..data/cert.pem, and ..data -> a versioned folder swapped by rename.
        WriteVersion("v1", _old);
        File.CreateSymbolicLink(Path.Combine(_directory.Path, "..data"), "v1");
        File.CreateSymbolicLink(CertPath, "..data/cert.pem");
        File.CreateSymbolicLink(KeyPath, "..data/key.pem");
        await using var app = await SampleApp.StartAsync("--cert", CertPath, "--key", KeyPath);
        await using var load = StrictLoad.Start(app.Address.Port);
        // The load is under way before anything changes, so every client sees the change.
        await ServedRequests.MoreAsync(app, 50, Deadline);

        WriteVersion("v2", _new);
        File.CreateSymbolicLink(Path.Combine(_directory.Path, "..data_tmp"), "v2");
        // rename(2) replaces the link itself in one step; File.Move would follow it to the folder.
        Assert.Equal(0, Rename(Path.Combine(_directory.Path, "..data_tmp"), Path.Combine(_directory.Path, "..data")));

        await ServedCertificateBecomesAsync(app, _new.Thumbprint);
        await ServedRequests.MoreAsync(app, 50, Deadline);
        StrictLoad.AssertNothingLost(await load.StopAsync());
    }

    [Fact]
    public async Task SighupReloadsWhatNoWatcherCanSee()
    {
        // The files the symlinks point to live in a folder nobody watches, and change in place:
        // only SIGHUP (systemctl reload) can tell the server.
        string store = Directory.CreateDirectory(Path.Combine(_directory.Path, "store")).FullName;
        string live = Directory.CreateDirectory(Path.Combine(_directory.Path, "live")).FullName;
        File.WriteAllText(Path.Combine(store, "cert.pem"), _old.CertificatePem);
        File.WriteAllText(Path.Combine(store, "key.pem"), _old.KeyPem);
        File.CreateSymbolicLink(Path.Combine(live, "cert.pem"), Path.Combine(store, "cert.pem"));
        File.CreateSymbolicLink(Path.Combine(live, "key.pem"), Path.Combine(store, "key.pem"));
        await using var app = await SampleApp.StartAsync("--cert", Path.Combine(live, "cert.pem"), "--key", Path.Combine(live, "key.pem"));

        File.WriteAllText(Path.Combine(store, "key.pem"), _new.KeyPem);
        File.WriteAllText(Path.Combine(store, "cert.pem"), _new.CertificatePem);
        app.Process.Signal(PosixSignal.SIGHUP);

        await ServedCertificateBecomesAsync(app, _new.Thumbprint);
        Assert.False(app.Process.HasExited);
    }

    [Fact]
    public async Task BrokenNewFileLeavesTheOldCertificateServing()
    {
        await using var app = await StartWithOldPairAsync();
        await using var load = StrictLoad.Start(app.Address.Port);
        // The load is under way before anything changes, so every client sees the change.
        await ServedRequests.MoreAsync(app, 50, Deadline);

        TestCertificates.ReplaceByRename(CertPath, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");

        await app.Process.WaitForOutputAsync(l => l.Contains("Certificate not reloaded", StringComparison.Ordinal), Deadline);
        Assert.Equal(_old.Thumbprint, await TlsProbe.CertificateThumbprintAsync(app.Address.Port));
        await ServedRequests.MoreAsync(app, 50, Deadline);
        StrictLoad.AssertNothingLost(await load.StopAsync());
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>The server on cert.pem and key.pem, holding the old pair.</summary>
    private Task<RunningApp> StartWithOldPairAsync()
    {
        File.WriteAllText(CertPath, _old.CertificatePem);
        File.WriteAllText(KeyPath, _old.KeyPem);
        return SampleApp.StartAsync("--cert", CertPath, "--key", KeyPath);
    }

    private static Task ServedCertificateBecomesAsync(RunningApp app, string thumbprint) =>
        Poll.UntilAsync(async () => await TlsProbe.CertificateThumbprintAsync(app.Address.Port) == thumbprint, Deadline, "the new certificate on a fresh handshake");

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string from, [MarshalAs(UnmanagedType.LPUTF8Str)] string to);

    private void WriteVersion(string version, (string CertificatePem, string KeyPem, string Thumbprint) pair)
    {
        string folder = Directory.CreateDirectory(Path.Combine(_directory.Path, version)).FullName;
        File.WriteAllText(Path.Combine(folder, "cert.pem"), pair.CertificatePem);
        File.WriteAllText(Path.Combine(folder, "key.pem"), pair.KeyPem);
    }
}
