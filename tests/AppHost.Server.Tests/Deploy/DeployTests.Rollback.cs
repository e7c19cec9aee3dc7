using AppHost.Server.Tests.Infrastructure;

namespace AppHost.Server.Tests.Deploy;

// apphost rollback: a release comes back as it was deployed, its units and options with its file.
public sealed partial class DeployTests
{
    [SshFact]
    public async Task ANewReleaseUnderLoadLosesNoRequestAndRollingBackRestoresTheUnitsOfTheFirst()
    {
        var app = new App("rolling", 8445, 8082);
        using var folder = new TempDirectory();
        string secret = Path.Combine(folder.Path, "database-url");
        await File.WriteAllTextAsync(secret, Secret);
        (await DeployAsync(app, options: ["--secret", $"database-url={secret}", "--", "--greeting", "Howdy"])).AssertSucceeded();
        var unitsOfFirst = await Task.WhenAll(fleet.Bookworm.Select(host => UnitsAsync(host, app)));
        string second = releases.SecondRelease(native.NativeFile);

        // The second release with another greeting, and without the secret: its unit loads none.
        await AssertNothingLostAsync(app, () => DeployAsync(app, binary: second, options: ["--", "--greeting", "Hello"]));
        await AssertServesAsync(app, second, "Hello");

        var dryRun = (await ToolAsync(["rollback", "--name", app.Name, "--dry-run", .. HostOptions()])).AssertSucceeded();
        await AssertNothingLostAsync(app, () => ToolAsync(["rollback", "--name", app.Name, .. HostOptions()]));
        await AssertServesAsync(app, native.NativeFile, "Howdy");

        Assert.Equal(unitsOfFirst, await Task.WhenAll(fleet.Bookworm.Select(host => UnitsAsync(host, app))));
        foreach (var host in fleet.Bookworm)
        {
            Assert.Contains($"{host.Alias}: would go from release {DeployReleases.Sha256Of(second)[..12]} back to {DeployReleases.Sha256Of(native.NativeFile)[..12]}; "
                + "would write rolling.service as it was deployed; would put back secrets/database-url (removed by a later deploy); would restart", dryRun.Errors);
            // The secret the second deploy removed is back, root's alone, and the service has it again.
            Assert.Equal("600 root root\n", (await host.RunAsync(["stat", "-c", "%a %U %G", "/etc/apphost/rolling/secrets/database-url"])).Output);
            Assert.Equal(Secret, (await host.RunAsync(["cat", "/run/credentials/rolling.service/database-url"])).Output);
            // Each release's record is root's alone.
            Assert.Equal("700 root\n700 root\n", (await host.RunAsync(["stat", "-c", "%a %U",
                $"/opt/apphost/rolling/releases/{DeployReleases.Sha256Of(native.NativeFile)}/units", $"/etc/apphost/rolling/releases/{DeployReleases.Sha256Of(native.NativeFile)}"])).Output);
        }
    }

    [SshFact]
    public async Task ARollbackWhoseReleaseDoesNotStartPutsTheHostBackWithItsUnits()
    {
        var app = new App("rollfail", 8453, 8089);
        string first = DeployReleases.Sha256Of(native.NativeFile);
        string second = releases.SecondRelease(native.NativeFile);
        (await DeployAsync(app, options: ["--", "--greeting", "Howdy"])).AssertSucceeded();
        (await DeployAsync(app, binary: second, options: ["--", "--greeting", "Hello"])).AssertSucceeded();
        var unitsOfSecond = await Task.WhenAll(fleet.Bookworm.Select(host => UnitsAsync(host, app)));
        // The first release's units on the first host, damaged: a greeting its parser refuses, so the service cannot start.
        var broken = fleet.Bookworm[0];
        await broken.RunAsync(["sed", "-i", "s/--greeting Howdy/--greeting this-greeting-is-far-too-long-for-the-app/", $"/opt/apphost/{app.Name}/releases/{first}/units/{app.Name}.service"]);

        var run = await ToolAsync(["rollback", "--name", app.Name, .. HostOptions()]);

        Assert.Equal(7, run.ExitCode);
        Assert.Contains($"error: rollback stopped at {broken.Alias}: the service did not start", run.Errors);
        Assert.Contains("it is back on its previous release, and 1 host(s) after it were left untouched", run.Errors);
        Assert.Contains("--greeting 'this-greeting-is-far-too-long-for-the-app' is not valid", run.Errors); // the host's journal
        Assert.Equal(unitsOfSecond, await Task.WhenAll(fleet.Bookworm.Select(host => UnitsAsync(host, app))));
        await AssertServesAsync(app, second, "Hello");
        // The release gone back to had served: it stays, for a rollback once its units are mended.
        await broken.RunAsync(["test", "-f", $"/opt/apphost/{app.Name}/releases/{first}/{app.Name}"]);
    }

    // The text of the app's units on a host, to compare before and after.
    private static async Task<string> UnitsAsync(SshHost host, App app) =>
        (await host.RunAsync(["sh", "-c", $"cat /etc/systemd/system/{app.Name}.service /etc/systemd/system/{app.Name}*.socket"])).Output;
}
