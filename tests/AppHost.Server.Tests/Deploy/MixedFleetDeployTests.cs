using System.Diagnostics;
using System.Net;
using AppHost.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace AppHost.Server.Tests.Deploy;

/// <summary>
/// <c>apphost deploy</c> to a fleet of two processors: an x64 host and an arm64 host (<see cref="MixedFleet"/>).
/// The sample's two native files are those the other tests publish (<see cref="NativeAppFixture"/>), given
/// as --binary once per processor; deploy without --binary publishes the same two files itself, which
/// costs two more NativeAOT publishes (minutes) and is measured in docs/deploy-mixed-fleet.md instead.
/// </summary>
[Collection(NativeAppCollection.Name)]
public sealed class MixedFleetDeployTests(NativeAppFixture native, MixedFleet fleet, ITestOutputHelper output) : IClassFixture<MixedFleet>
{
    // ELF's e_machine of each processor's programs, at byte 18 of the file.
    private const string X64Machine = "62";
    private const string Arm64Machine = "183";

    // The emulated host answers in a second or so; a loaded CI machine may take much longer.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    [MixedFleetFact]
    public async Task EachHostGetsTheFileOfItsProcessorAndServesHttpsAndHttp2()
    {
        output.WriteLine($"arm64 root made in {fleet.RootTime.TotalSeconds:F0} s (0: kept from an earlier run); both hosts booted in {fleet.BootTime.TotalSeconds:F1} s");
        string x64 = native.NativeFile;
        var clock = Stopwatch.StartNew();
        string arm64 = await native.Arm64Async();
        output.WriteLine($"the arm64 file, which other tests share, ready after {clock.Elapsed.TotalSeconds:F1} s");

        clock.Restart();
        var run = await ToolAsync(["deploy", "--binary", x64, "--binary", arm64, "--name", "mixed", "--port", "443", "--http-port", "80",
            "--cert", native.Certificates.CertificatePem, "--key", native.Certificates.KeyPem, .. HostOptions()]);
        output.WriteLine($"deploy to both hosts: {clock.Elapsed.TotalSeconds:F1} s");

        run.AssertSucceeded();
        var status = (await ToolAsync(["status", "--name", "mixed", .. HostOptions()])).AssertSucceeded();
        foreach (var (host, file, machine, uname) in new[] { (fleet.X64, x64, X64Machine, "x86_64"), (fleet.Arm64Host, arm64, Arm64Machine, "aarch64") })
        {
            string sha256 = DeployReleases.Sha256Of(file);
            Assert.Contains($"{host.Alias}\tdeployed\t{sha256[..12]}\t", run.Output);
            Assert.Contains($"{host.Alias}\tactive\tcurrent {sha256[..12]}", status.Output);
            Assert.Equal(uname, (await host.RunAsync(["uname", "-m"])).Output.Trim());
            Assert.Equal(sha256, (await host.RunAsync(["sha256sum", "/opt/apphost/mixed/current/mixed"])).Output.Split(' ')[0]);
            Assert.Equal(machine, (await host.RunAsync(["od", "-An", "-tu2", "-j18", "-N2", "/opt/apphost/mixed/current/mixed"])).Output.Trim());
            foreach (var version in new[] { HttpVersion.Version11, HttpVersion.Version20 })
            {
                using var client = LoopbackPeer.HttpsClient(host.LocalAddress, new IPEndPoint(host.Address, 443), native.Certificates.Certificate, version, RequestTimeout);
                using var response = await client.GetAsync("/api/greeting?name=you");
                Assert.Equal((HttpStatusCode.OK, version), (response.StatusCode, response.Version));
                Assert.Contains("Hello, you!", await response.Content.ReadAsStringAsync());
            }
        }
    }

    [MixedFleetFact]
    public async Task AnArm64HostGivenOnlyTheX64FileIsRefusedBeforeAnyHostChanges()
    {
        var run = await ToolAsync(["deploy", "--binary", native.NativeFile, "--name", "x64only", "--port", "8443", "--http-port", "0",
            "--cert", native.Certificates.CertificatePem, "--key", native.Certificates.KeyPem, .. HostOptions()]);

        run.AssertOneLineError(6, $"{fleet.Arm64Host.Alias}: its processor is aarch64, the file is for x86_64; publish for linux-arm64 and give that file too");
        foreach (var host in fleet.Hosts)
        {
            Assert.Equal(1, (await host.RunAsync(["test", "-e", "/opt/apphost/x64only"], check: false)).ExitCode);
        }
    }

    // Both hosts, the x64 one first, with the fleet's ssh config.
    private string[] HostOptions() => ["--ssh-config", fleet.ConfigFile, .. fleet.Hosts.SelectMany(host => new[] { "--host", host.Alias })];

    private async Task<CommandRun> ToolAsync(string[] args)
    {
        var run = await AppHostTool.RunAsync(AppContext.BaseDirectory, args);
        output.WriteLine($"$ apphost {string.Join(' ', args)}\nexit {run.ExitCode}\n{run.Output}{run.Errors}");
        return run;
    }
}
